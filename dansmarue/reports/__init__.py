"""Reports: a resident's report from intake to what the public sees.

Owns intake (`intake`, its hot-path SQL in `intake_sql`, idempotency keys,
references), routing to district, sector and unit in PostGIS (`routing`),
photos (`photo_uploads`, `photo_files`), search and map reads (`search`),
public and tracking views (`views`), following and congratulating
(`engagement`), duplicates and a resident's declaration of resolution.
May import: platform, jobs, catalogue, workflow, access, media and the foundations.
"""
