"""The baseline of bench_intake.py: bare Flask + psycopg, one INSERT per POST.

Same JSON body as the real intake; parses it, inserts one row (with a
PostGIS point) and answers 201 with the new id. No validation, no routing,
no ORM: the floor any real endpoint is measured against.
Run: ``BENCH_DSN=postgresql://... gunicorn bench.bare_app:app``.
"""

import os
import threading

import psycopg
from flask import Flask, jsonify, request

DSN = os.environ.get("BENCH_DSN", "postgresql://postgres@127.0.0.1:5432/dansmarue_bench")
INSERT = (
    "INSERT INTO bench_bare (category_id, description, geom) "
    "VALUES (%s, %s, ST_SetSRID(ST_MakePoint(%s, %s), 4326)) RETURNING id"
)
app = Flask(__name__)
_local = threading.local()


def connection() -> psycopg.Connection:
    # One connection per worker thread, like a pool that never contends.
    if getattr(_local, "conn", None) is None or _local.conn.closed:
        _local.conn = psycopg.connect(DSN)
    return _local.conn


@app.post("/bare")
def bare():
    body = request.get_json()
    conn = connection()
    with conn.cursor() as cur:
        cur.execute(
            INSERT, (body["category_id"], body.get("description"), body["longitude"], body["latitude"])
        )
        new_id = cur.fetchone()[0]
    conn.commit()
    return jsonify({"id": new_id}), 201
