/// The workspace schema, as numbered steps. Both backends have the same steps with the same
/// numbers and descriptions (a test checks it); only the SQL dialect differs. A step is applied
/// once, in order, and recorded in `zp_migrations`; there is no implicit schema change.
public struct Migration: Sendable {
    public var version: Int
    public var description: String
    public var statements: [String]
}

public enum Migrations {
    public static let descriptions: [(Int, String)] = [
        (1, "metadata, documents (rule pack, vocabulary), layer versions and feature history"),
        (2, "decision ledger (append-only)"),
        (3, "land-quota accounts and entries (append-only)"),
    ]

    public static var latest: Int { descriptions.map(\.0).max() ?? 0 }

    /// SpatiaLite dialect. Geometry columns are registered with AddGeometryColumn (SRID 4326) and
    /// get an R*Tree index, so QGIS and `ogrinfo` open every table as a layer.
    public static let spatialite: [Migration] = [
        Migration(version: 1, description: descriptions[0].1, statements: [
            "CREATE TABLE IF NOT EXISTS zp_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """
            CREATE TABLE zp_documents (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, version TEXT NOT NULL,
              sha256 TEXT NOT NULL, text TEXT NOT NULL, imported_by TEXT NOT NULL, imported_at TEXT NOT NULL,
              source TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 0)
            """,
            """
            CREATE TABLE zp_layer_versions (id INTEGER PRIMARY KEY AUTOINCREMENT, layer TEXT NOT NULL, version INTEGER NOT NULL,
              title TEXT NOT NULL, source_file TEXT NOT NULL, sha256 TEXT NOT NULL, format TEXT NOT NULL,
              imported_by TEXT NOT NULL, imported_at TEXT NOT NULL, feature_count INTEGER NOT NULL,
              schematic INTEGER NOT NULL, note TEXT, active INTEGER NOT NULL DEFAULT 0, UNIQUE (layer, version))
            """,
            """
            CREATE TABLE zp_feature_history (id INTEGER PRIMARY KEY AUTOINCREMENT,
              layer_version_id INTEGER NOT NULL REFERENCES zp_layer_versions(id), feature_id TEXT NOT NULL,
              name TEXT, kind TEXT, properties TEXT NOT NULL)
            """,
            "SELECT AddGeometryColumn('zp_feature_history', 'geom', 4326, 'MULTIPOLYGON', 'XY', 1)",
            "SELECT CreateSpatialIndex('zp_feature_history', 'geom')",
            "CREATE INDEX zp_feature_history_version ON zp_feature_history (layer_version_id)",
            """
            CREATE TRIGGER zp_feature_history_no_update BEFORE UPDATE ON zp_feature_history
            BEGIN SELECT RAISE(ABORT, 'layer history is append-only'); END
            """,
            """
            CREATE TRIGGER zp_feature_history_no_delete BEFORE DELETE ON zp_feature_history
            BEGIN SELECT RAISE(ABORT, 'layer history is append-only'); END
            """,
        ]),
        Migration(version: 2, description: descriptions[1].1, statements: [
            """
            CREATE TABLE zp_decisions (id INTEGER PRIMARY KEY AUTOINCREMENT, recorded_at TEXT NOT NULL, official TEXT NOT NULL,
              note TEXT, input_sha256 TEXT NOT NULL, name TEXT NOT NULL, industry TEXT NOT NULL, verdict TEXT NOT NULL,
              area_mu REAL NOT NULL, record TEXT NOT NULL, rule_pack_version TEXT NOT NULL,
              supersedes INTEGER REFERENCES zp_decisions(id))
            """,
            "SELECT AddGeometryColumn('zp_decisions', 'geom', 4326, 'MULTIPOLYGON', 'XY', 1)",
            "SELECT CreateSpatialIndex('zp_decisions', 'geom')",
            """
            CREATE TRIGGER zp_decisions_no_update BEFORE UPDATE ON zp_decisions
            BEGIN SELECT RAISE(ABORT, 'the decision ledger is append-only: record a revision that supersedes the entry'); END
            """,
            """
            CREATE TRIGGER zp_decisions_no_delete BEFORE DELETE ON zp_decisions
            BEGIN SELECT RAISE(ABORT, 'the decision ledger is append-only'); END
            """,
        ]),
        Migration(version: 3, description: descriptions[2].1, statements: [
            """
            CREATE TABLE zp_quota_accounts (id INTEGER PRIMARY KEY AUTOINCREMENT,
              kind TEXT NOT NULL CHECK (kind IN ('county', 'platform')), ref TEXT NOT NULL, year INTEGER NOT NULL,
              name TEXT, UNIQUE (kind, ref, year))
            """,
            """
            CREATE TABLE zp_quota_entries (id INTEGER PRIMARY KEY AUTOINCREMENT,
              account_id INTEGER NOT NULL REFERENCES zp_quota_accounts(id), at TEXT NOT NULL,
              entry TEXT NOT NULL CHECK (entry IN ('allocate', 'draw', 'return')), amount_mu REAL NOT NULL,
              decision_id INTEGER REFERENCES zp_decisions(id), official TEXT NOT NULL, note TEXT)
            """,
            "CREATE INDEX zp_quota_entries_account ON zp_quota_entries (account_id)",
            """
            CREATE TRIGGER zp_quota_entries_no_update BEFORE UPDATE ON zp_quota_entries
            BEGIN SELECT RAISE(ABORT, 'quota entries are append-only: add a return or allocation entry'); END
            """,
            """
            CREATE TRIGGER zp_quota_entries_no_delete BEFORE DELETE ON zp_quota_entries
            BEGIN SELECT RAISE(ABORT, 'quota entries are append-only'); END
            """,
        ]),
    ]

    /// PostGIS dialect. Geometry columns are `geometry(MultiPolygon, 4326)` with GiST indexes, so
    /// QGIS and GDAL open every table as on any PostGIS database. The append-only tables refuse
    /// UPDATE, DELETE and TRUNCATE with triggers, as in SpatiaLite. The `postgis` extension itself
    /// is created (or required) by the store before the first step.
    public static let postgis: [Migration] = {
        func appendOnly(_ table: String, update: String, delete: String) -> [String] {
            [
                "CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table) FOR EACH ROW EXECUTE FUNCTION zp_append_only('\(update)')",
                "CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table) FOR EACH ROW EXECUTE FUNCTION zp_append_only('\(delete)')",
                "CREATE TRIGGER \(table)_no_truncate BEFORE TRUNCATE ON \(table) FOR EACH STATEMENT EXECUTE FUNCTION zp_append_only('\(delete)')",
            ]
        }
        return [
            Migration(version: 1, description: descriptions[0].1, statements: [
                "CREATE TABLE IF NOT EXISTS zp_meta (key text PRIMARY KEY, value text NOT NULL)",
                """
                CREATE OR REPLACE FUNCTION zp_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'restrict_violation'; END $$
                """,
                """
                CREATE TABLE zp_documents (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, kind text NOT NULL,
                  version text NOT NULL, sha256 text NOT NULL, text text NOT NULL, imported_by text NOT NULL,
                  imported_at text NOT NULL, source text NOT NULL, active boolean NOT NULL DEFAULT false)
                """,
                """
                CREATE TABLE zp_layer_versions (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, layer text NOT NULL,
                  version integer NOT NULL, title text NOT NULL, source_file text NOT NULL, sha256 text NOT NULL,
                  format text NOT NULL, imported_by text NOT NULL, imported_at text NOT NULL, feature_count integer NOT NULL,
                  schematic boolean NOT NULL, note text, active boolean NOT NULL DEFAULT false, UNIQUE (layer, version))
                """,
                """
                CREATE TABLE zp_feature_history (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                  layer_version_id bigint NOT NULL REFERENCES zp_layer_versions(id), feature_id text NOT NULL,
                  name text, kind text, properties text NOT NULL, geom geometry(MultiPolygon, 4326) NOT NULL)
                """,
                "CREATE INDEX zp_feature_history_geom ON zp_feature_history USING gist (geom)",
                "CREATE INDEX zp_feature_history_version ON zp_feature_history (layer_version_id)",
            ] + appendOnly("zp_feature_history", update: "layer history is append-only", delete: "layer history is append-only")),
            Migration(version: 2, description: descriptions[1].1, statements: [
                """
                CREATE TABLE zp_decisions (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, recorded_at text NOT NULL,
                  official text NOT NULL, note text, input_sha256 text NOT NULL, name text NOT NULL, industry text NOT NULL,
                  verdict text NOT NULL, area_mu double precision NOT NULL, record text NOT NULL, rule_pack_version text NOT NULL,
                  supersedes bigint REFERENCES zp_decisions(id), geom geometry(MultiPolygon, 4326) NOT NULL)
                """,
                "CREATE INDEX zp_decisions_geom ON zp_decisions USING gist (geom)",
            ] + appendOnly("zp_decisions", update: "the decision ledger is append-only: record a revision that supersedes the entry",
                           delete: "the decision ledger is append-only")),
            Migration(version: 3, description: descriptions[2].1, statements: [
                """
                CREATE TABLE zp_quota_accounts (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                  kind text NOT NULL CHECK (kind IN ('county', 'platform')), ref text NOT NULL, year integer NOT NULL,
                  name text, UNIQUE (kind, ref, year))
                """,
                """
                CREATE TABLE zp_quota_entries (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                  account_id bigint NOT NULL REFERENCES zp_quota_accounts(id), at text NOT NULL,
                  entry text NOT NULL CHECK (entry IN ('allocate', 'draw', 'return')), amount_mu double precision NOT NULL,
                  decision_id bigint REFERENCES zp_decisions(id), official text NOT NULL, note text)
                """,
                "CREATE INDEX zp_quota_entries_account ON zp_quota_entries (account_id)",
            ] + appendOnly("zp_quota_entries", update: "quota entries are append-only: add a return or allocation entry",
                           delete: "quota entries are append-only")),
        ]
    }()
}
