-- Schema version 7: a subscription provider's monthly_quota counts its uses per calendar month. A use is a ledger
-- entry attributed to the provider that is not a cache hit (a commit, or a settlement of a call whose outcome never
-- came back). The provider's quota grain counts a month's uses when it activates and when a month starts: an index
-- range over the provider's entries of that month, not a scan of the ledger.

CREATE INDEX ledger_provider_uses ON ledger (json_extract(attribution, '$.provider_id'), created_at) WHERE cache_hit = 0;
