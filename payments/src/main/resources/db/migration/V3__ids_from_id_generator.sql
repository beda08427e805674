-- IDs now come from the id-generator service (Snowflake IDs, prefetched by each node), not from
-- blocks of this sequence. IDs already issued from it cannot collide with the generator's: they
-- are block numbers times 1000 (millions at most), while a Snowflake ID of the generator's layout
-- (41 bits of milliseconds since 2025-01-01, shifted left by 22) is above 10^17 from 2026 on.
DROP SEQUENCE id_blocks;
