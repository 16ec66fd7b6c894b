/// The workspace schema, as numbered steps. Both backends have the same steps with the same
/// numbers and descriptions (a test checks it); they are written once and spelled per `SQLDialect`. A step is applied
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
        (4, "a decision is superseded at most once; the application as submitted (raw bytes); idempotency keys"),
        (5, "layer tables keep tier, category, county, accuracy_m, area_mu as columns; PostGIS: jsonb properties, timestamptz times"),
        (6, "亩均效益: evaluation years, the firms' yearly figures and their parcels (append-only, one import per year)"),
        (7, "people, roles and hashed tokens; cases and their steps 经办 → 审核 → 签发 (append-only)"),
    ]

    public static var latest: Int { descriptions.map(\.0).max() ?? 0 }

    /// SpatiaLite dialect. Geometry columns are registered with AddGeometryColumn (SRID 4326) and
    /// get an R*Tree index, so QGIS and `ogrinfo` open every table as a layer.
    public static let spatialite: [Migration] = build(.spatialite)

    /// PostGIS dialect. Geometry columns are `geometry(MultiPolygon, 4326)` with GiST indexes, so
    /// QGIS and GDAL open every table as on any PostGIS database. The append-only tables refuse
    /// UPDATE, DELETE and TRUNCATE with triggers, as in SpatiaLite. The `postgis` extension itself
    /// is created (or required) by the store before the first step.
    public static let postgis: [Migration] = build(.postgis)

    /// The steps in `dialect`.
    public static func steps(_ dialect: SQLDialect) -> [Migration] { dialect == .spatialite ? spatialite : postgis }

    /// The steps, written once: `d` spells the types, the geometry columns and the triggers.
    static func build(_ d: SQLDialect) -> [Migration] {
        let (key, text, int, ref, real, bool, blob) = (d.identityKey(), d.text, d.integer, d.bigint, d.real, d.boolean, d.blob)
        return [
            Migration(version: 1, description: descriptions[0].1, statements: [
                "CREATE TABLE IF NOT EXISTS zp_meta (key \(text) PRIMARY KEY, value \(text) NOT NULL)",
            ] + d.appendOnlyFunction + [
                """
                CREATE TABLE zp_documents (id \(key), kind \(text) NOT NULL, version \(text) NOT NULL,
                  sha256 \(text) NOT NULL, text \(text) NOT NULL, imported_by \(text) NOT NULL, imported_at \(text) NOT NULL,
                  source \(text) NOT NULL, active \(bool) NOT NULL DEFAULT \(d.falseLiteral))
                """,
                """
                CREATE TABLE zp_layer_versions (id \(key), layer \(text) NOT NULL, version \(int) NOT NULL,
                  title \(text) NOT NULL, source_file \(text) NOT NULL, sha256 \(text) NOT NULL, format \(text) NOT NULL,
                  imported_by \(text) NOT NULL, imported_at \(text) NOT NULL, feature_count \(int) NOT NULL,
                  schematic \(bool) NOT NULL, note \(text), active \(bool) NOT NULL DEFAULT \(d.falseLiteral), UNIQUE (layer, version))
                """,
                """
                CREATE TABLE zp_feature_history (id \(key),
                  layer_version_id \(ref) NOT NULL REFERENCES zp_layer_versions(id), feature_id \(text) NOT NULL,
                  name \(text), kind \(text), properties \(text) NOT NULL\(d.inlineGeometryColumn))
                """,
            ] + d.spatialColumn("zp_feature_history") + [
                "CREATE INDEX zp_feature_history_version ON zp_feature_history (layer_version_id)",
            ] + d.appendOnly("zp_feature_history", update: "layer history is append-only", delete: "layer history is append-only")),
            Migration(version: 2, description: descriptions[1].1, statements: [
                """
                CREATE TABLE zp_decisions (id \(key), recorded_at \(text) NOT NULL, official \(text) NOT NULL,
                  note \(text), input_sha256 \(text) NOT NULL, name \(text) NOT NULL, industry \(text) NOT NULL, verdict \(text) NOT NULL,
                  area_mu \(real) NOT NULL, record \(text) NOT NULL, rule_pack_version \(text) NOT NULL,
                  supersedes \(ref) REFERENCES zp_decisions(id)\(d.inlineGeometryColumn))
                """,
            ] + d.spatialColumn("zp_decisions")
              + d.appendOnly("zp_decisions", update: "the decision ledger is append-only: record a revision that supersedes the entry",
                             delete: "the decision ledger is append-only")),
            Migration(version: 3, description: descriptions[2].1, statements: [
                """
                CREATE TABLE zp_quota_accounts (id \(key),
                  kind \(text) NOT NULL CHECK (kind IN ('county', 'platform')), ref \(text) NOT NULL, year \(int) NOT NULL,
                  name \(text), UNIQUE (kind, ref, year))
                """,
                """
                CREATE TABLE zp_quota_entries (id \(key),
                  account_id \(ref) NOT NULL REFERENCES zp_quota_accounts(id), at \(text) NOT NULL,
                  entry \(text) NOT NULL CHECK (entry IN ('allocate', 'draw', 'return')), amount_mu \(real) NOT NULL,
                  decision_id \(ref) REFERENCES zp_decisions(id), official \(text) NOT NULL, note \(text))
                """,
                "CREATE INDEX zp_quota_entries_account ON zp_quota_entries (account_id)",
            ] + d.appendOnly("zp_quota_entries", update: "quota entries are append-only: add a return or allocation entry",
                             delete: "quota entries are append-only")),
            // A revision names the decision it supersedes; two revisions of one decision would each
            // return its land (NULLs, decisions that supersede nothing, never collide). The raw
            // bytes of what was submitted (GeoJSON, or a 报部 TXT with its sidecar figures JSON) are
            // kept beside the decision, written in the same transaction; decisions recorded before
            // this step have none (their id bound is kept in zp_meta for `verify`). Idempotency
            // keys of `POST /decisions` keep the answer given, so a retry gets it again.
            Migration(version: 4, description: descriptions[3].1, statements: [
                "CREATE UNIQUE INDEX zp_decisions_supersedes_once ON zp_decisions (supersedes)",
                """
                CREATE TABLE zp_decision_inputs (decision_id \(ref) PRIMARY KEY REFERENCES zp_decisions(id),
                  format \(text) NOT NULL, sha256 \(text) NOT NULL, bytes \(blob) NOT NULL, sidecar \(blob), sidecar_sha256 \(text))
                """,
            ] + d.appendOnly("zp_decision_inputs", update: "the decision ledger is append-only: submitted inputs are never edited",
                             delete: "the decision ledger is append-only") + [
                """
                CREATE TABLE zp_idempotency (key \(text) PRIMARY KEY, request_sha256 \(text) NOT NULL, status \(int) NOT NULL,
                  response \(blob) NOT NULL, created_at \(text) NOT NULL)
                """,
                "INSERT INTO zp_meta (key, value) SELECT 'inputs_kept_after_decision', CAST(coalesce(max(id), 0) AS TEXT) FROM zp_decisions",
            ]),
            // QGIS styles and filters layers by their attributes without SQL: each layer table
            // (`layer_<name>`, made per layer, so upgraded in `SQLWorkspaceStore.upgradeLayerTables`)
            // gets tier, category, county, accuracy_m and area_mu columns. In PostgreSQL the
            // properties become jsonb and the times timestamptz (SQLite keeps ISO 8601 text, its own
            // time convention). Changing a column's type fires no row trigger: the append-only
            // tables stay as they were, value for value.
            Migration(version: 5, description: descriptions[4].1, statements: d == .spatialite ? [] : [
                "ALTER TABLE zp_feature_history ALTER COLUMN properties TYPE jsonb USING properties::jsonb",
            ] + [("zp_migrations", "applied_at"), ("zp_documents", "imported_at"), ("zp_layer_versions", "imported_at"),
                 ("zp_decisions", "recorded_at"), ("zp_quota_entries", "at"), ("zp_idempotency", "created_at")].map { table, column in
                "ALTER TABLE \(table) ALTER COLUMN \(column) TYPE timestamptz USING \(column)::timestamptz"
            }),
            // 亩均效益 (issue 15): a year's firm figures and parcels, stored whole by one import, so
            // years can be compared. The figures are kept raw, by the pack's input ids (JSON), with
            // the pack the year was imported with: scores are computed on reading, never stored.
            // A stored year is never edited (append-only); parcels keep the area, county and
            // platforms worked out on import, and a geometry column so QGIS opens them as a layer.
            Migration(version: 6, description: descriptions[5].1, statements: [
                """
                CREATE TABLE zp_eval_years (year \(int) PRIMARY KEY, firms_file \(text) NOT NULL, firms_sha256 \(text) NOT NULL,
                  firms_encoding \(text) NOT NULL, parcels_file \(text), parcels_sha256 \(text), pack_version \(text) NOT NULL,
                  pack_text \(text) NOT NULL, firm_count \(int) NOT NULL, parcel_count \(int) NOT NULL,
                  imported_by \(text) NOT NULL, imported_at \(d.timeColumn) NOT NULL)
                """,
                """
                CREATE TABLE zp_eval_firms (id \(key), year \(int) NOT NULL REFERENCES zp_eval_years(year),
                  credit_code \(text) NOT NULL, name \(text) NOT NULL, industry \(text) NOT NULL, scale \(text) NOT NULL,
                  county \(text), start_year \(int), land_mu \(real), figures \(d.json) NOT NULL, source_row \(int) NOT NULL,
                  UNIQUE (year, credit_code))
                """,
                """
                CREATE TABLE zp_eval_parcels (id \(key), year \(int) NOT NULL REFERENCES zp_eval_years(year),
                  parcel_id \(text) NOT NULL, credit_code \(text), area_mu \(real) NOT NULL, county \(text), platforms \(text) NOT NULL,
                  source \(text)\(d.inlineGeometryColumn))
                """,
            ] + d.spatialColumn("zp_eval_parcels") + [
                "CREATE INDEX zp_eval_parcels_year ON zp_eval_parcels (year)",
            ] + [("zp_eval_years", "a stored evaluation year is never edited"),
                 ("zp_eval_firms", "a stored evaluation year is never edited"),
                 ("zp_eval_parcels", "a stored evaluation year is never edited")].flatMap { table, why in
                d.appendOnly(table, update: why, delete: why)
            }),
            // The bureau's review workflow (issue 16). People and their roles are added, never
            // edited; a token is stored only as its SHA-256 and the newest one of a person is the
            // valid one; the two-person rule is a setting whose newest row wins. A case is opened
            // at 经办 and every step (经办, 审核 pass or return, resubmission, 签发) is a row of
            // zp_case_steps, numbered per case: the unique (case_id, seq) and the writers' lock keep
            // the steps in order, and a partial unique index lets a case be signed once. Land is
            // drawn only by the decision 签发 records (zp_decisions, named by the sign step).
            Migration(version: 7, description: descriptions[6].1, statements: [
                "CREATE TABLE zp_people (id \(key), name \(text) NOT NULL UNIQUE, added_by \(text) NOT NULL, added_at \(d.timeColumn) NOT NULL)",
                """
                CREATE TABLE zp_person_roles (id \(key), person_id \(ref) NOT NULL REFERENCES zp_people(id),
                  role \(text) NOT NULL CHECK (role IN ('case-officer', 'reviewer', 'signer', 'admin')),
                  granted_by \(text) NOT NULL, granted_at \(d.timeColumn) NOT NULL, UNIQUE (person_id, role))
                """,
                """
                CREATE TABLE zp_person_tokens (id \(key), person_id \(ref) NOT NULL REFERENCES zp_people(id),
                  token_sha256 \(text) NOT NULL UNIQUE, issued_by \(text) NOT NULL, issued_at \(d.timeColumn) NOT NULL)
                """,
                """
                CREATE TABLE zp_workflow_settings (id \(key), two_person_rule \(bool) NOT NULL, set_by \(text) NOT NULL,
                  set_at \(d.timeColumn) NOT NULL)
                """,
                """
                CREATE TABLE zp_cases (id \(key), opened_at \(d.timeColumn) NOT NULL, opened_by \(text) NOT NULL, name \(text) NOT NULL,
                  quota_year \(int) NOT NULL, supersedes \(ref) REFERENCES zp_decisions(id))
                """,
                """
                CREATE TABLE zp_case_steps (id \(key), case_id \(ref) NOT NULL REFERENCES zp_cases(id), seq \(int) NOT NULL,
                  step \(text) NOT NULL CHECK (step IN ('prepare', 'review-pass', 'review-return', 'resubmit', 'sign')),
                  person \(text) NOT NULL, role \(text) NOT NULL, at \(d.timeColumn) NOT NULL, note \(text), verdict \(text) NOT NULL,
                  result \(text) NOT NULL, application \(text), input_format \(text), input_sha256 \(text), input_bytes \(blob),
                  input_sidecar \(blob), decision_id \(ref) UNIQUE REFERENCES zp_decisions(id), UNIQUE (case_id, seq))
                """,
                "CREATE UNIQUE INDEX zp_case_signed_once ON zp_case_steps (case_id) WHERE step = 'sign'",
            ] + [("zp_people", "people are added, never edited"), ("zp_person_roles", "roles are granted, never edited"),
                 ("zp_person_tokens", "tokens are issued, never edited: issue a new one"),
                 ("zp_workflow_settings", "settings are appended, never edited"),
                 ("zp_cases", "a case is never edited: its steps are appended"),
                 ("zp_case_steps", "case steps are append-only")].flatMap { table, why in
                d.appendOnly(table, update: why, delete: why)
            }),
        ]
    }
}
