"""Identity and access: airlines (tenants), users, credentials and the authorization policy."""
