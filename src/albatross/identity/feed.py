"""What the live feed may tell of identity events, and to whom (kernel.notifications.feed).

Never in any view: password hashes, API key digests, encrypted personal data (email, name),
usernames (they stay in the log after an erasure), free-text reasons, sessions and uniqueness
claims (their stream ids are token digests and claimed values).
"""

from albatross.kernel.notifications import feed

# The airline's members hear of their airline.
feed.view("TenantCreated", "tenant", ("tenant_id", "name", "icao"))
feed.view("TenantRenamed", "tenant", ("name",))
feed.view("TenantApplicationsChanged", "tenant", ("open",))

# Its staff hear of its people: applications, approvals, suspensions, roles (pilots see the
# roster through the API, which leaves out applicants and the suspended; the feed does too).
feed.view("UserRegistered", "staff", ("user_id", "role", "tenant_id"))
feed.view("UserRoleChanged", "staff", ("role",))
feed.view("UserStateChanged", "staff", ("state",))
feed.view("PilotIdAssigned", "staff", ("pilot_id",))
feed.view("UserErased", "staff")

# A person's own business: their details, keys and password.
feed.view("UserDetailsChanged", "user")
feed.view("ApiKeyIssued", "user", ("key_id", "name", "prefix", "created_at"))
feed.view("ApiKeyRevoked", "user", ("key_id", "revoked_at"))
feed.view("ApiKeyUsed", "user", ("key_id", "used_at"))
feed.view("PasswordSet", "user", ("must_change",))
