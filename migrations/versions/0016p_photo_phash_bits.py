"""Near-duplicate photos (#16.3): the pHash as a 64-bit integer, indexed.

`photo.phash_bits` holds the same 64 bits as the hex `photo.phash`, as a
signed `bigint`, so PostgreSQL compares two hashes with
`bit_count((a # b)::bit(64))` (Hamming distance). The lookup filters by
position first (GiST on the report's point, 100 m), then reads the photos
of those few reports through `ix_photo_report_hashed` (report id, hash
included: an index-only scan) and computes the distances of a few hundred
hashes at most (bench/bench_photo_duplicates.py: ≤ 5 ms at 1 M photos).

Revision ID: 0016p
Revises: 0015k
"""

from alembic import op

revision = "0016p"
down_revision = "0015k"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ALTER TABLE photo ADD COLUMN IF NOT EXISTS phash_bits bigint")
    op.execute(
        "UPDATE photo SET phash_bits = ('x' || phash)::bit(64)::bigint "
        "WHERE phash ~ '^[0-9a-f]{16}$' AND phash_bits IS NULL"
    )
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_photo_report_hashed ON photo (report_id) INCLUDE (phash_bits) "
        "WHERE phash_bits IS NOT NULL"
    )


def downgrade():
    op.execute("DROP INDEX IF EXISTS ix_photo_report_hashed")
    op.execute("ALTER TABLE photo DROP COLUMN IF EXISTS phash_bits")
