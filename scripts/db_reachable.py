"""Exit 0 when the PostgreSQL server in argv[1] answers, 1 otherwise."""

import sys

import psycopg


def main() -> int:
    url = sys.argv[1].replace("postgres://", "postgresql://", 1)
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
