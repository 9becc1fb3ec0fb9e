"""The airline's books: a double-entry ledger per airline and per pilot, and recurring expenses."""
