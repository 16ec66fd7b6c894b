import Foundation
import Testing

/// One hostile or careless input from issue 13 and the README's bad-input list
/// (Fixtures/bad-input-catalogue.json): the command that meets it, its exit code and its one
/// error line exactly, the HTTP status and error for the server routes that read it, and that
/// the workspace is unchanged afterwards.
struct CatalogueCase: Decodable, Sendable, CustomTestStringConvertible {
    struct Generated: Decodable, Sendable {
        var name: String
        var head: String
        /// Repeated `times` times; `{i}` is the repetition's number.
        var line: String
        var times: Int
        var tail: String
    }
    struct HTTP: Decodable, Sendable {
        var method: String
        /// Each path is asked the same; `/decisions` carries the write token.
        var paths: [String]
        var contentType: String?
        var status: Int
        var error: String
        enum CodingKeys: String, CodingKey { case method, paths, status, error, contentType = "content_type" }
    }
    var name: String
    var source: String
    /// Repository-relative path, or nil when `generated` makes the input.
    var input: String?
    var generated: Generated?
    /// `zoneplan` arguments; `{input}` is the input's path. `--db` and `--quiet` are added.
    var args: [String]?
    var exit: Int32?
    /// The one stderr line, exactly; `{input}` as in `args`.
    var message: String?
    var http: HTTP?
    var testDescription: String { name }
}

enum BadInputCatalogue {
    static let url = CLI.repoRoot.appendingPathComponent("Tests/CLITests/Fixtures/bad-input-catalogue.json")
    static let cases: [CatalogueCase] = {
        do {
            struct File: Decodable { var cases: [CatalogueCase] }
            return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
        } catch {
            return [CatalogueCase(name: "the catalogue cannot be read: \(error)", source: "", input: nil, generated: nil,
                                  args: nil, exit: nil, message: nil, http: nil)]
        }
    }()
}

/// The workspace the catalogue's commands meet (a quota set, one decision already revised) and a
/// `zoneplan serve` on it, shared by every case: every case must leave both as they were.
final class CatalogueWorkspace: Sendable {
    static let shared: CatalogueWorkspace? = try? CatalogueWorkspace()
    static let token = "catalogue-token-0123456789"

    let dir: URL
    let db: String
    let port: Int
    let server: Process
    let baseline: String

    private init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("zp-catalogue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let db = dir.appendingPathComponent("ws.sqlite").path
        self.db = db
        func must(_ args: [String]) throws {
            let r = try CLI.run(args + ["--db", db, "--quiet"])
            guard r.status == 0 else { throw CatalogueSetupError(message: "\(args): \(r.err)") }
        }
        try must(["init", "--geodata", CLI.geodata.path, "--official", "测试员"])
        try must(["quota", "set", "county:330402", "2026", "100000"])
        try must(["decide", CLI.example("jiaxipera-compressor"), "--year", "2026"])
        try must(["decide", CLI.example("jiaxipera-compressor"), "--year", "2026", "--supersedes", "1"])
        let tokenFile = dir.appendingPathComponent("token")
        try Data(Self.token.utf8).write(to: tokenFile)
        let port = try freePort()
        self.port = port
        // The server dies with the test process: a shell watches its parent (Swift Testing has no
        // suite teardown for a shared fixture).
        let server = Process()
        self.server = server
        server.executableURL = URL(fileURLWithPath: "/bin/sh")
        server.arguments = ["-c", #""$0" "$@" & s=$!; trap 'kill $s 2>/dev/null' EXIT; while kill -0 $PPID 2>/dev/null && kill -0 $s 2>/dev/null; do sleep 0.5; done"#,
                            CLI.binary.path, "serve", "--db", db, "--port", String(port), "--token-file", tokenFile.path, "--quiet"]
        server.currentDirectoryURL = CLI.repoRoot
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        var up = false
        for _ in 0..<300 where !up {
            up = (try? Self.http(port: port, "GET", "/health"))?.status == 200
            if !up { usleep(100_000) }
        }
        guard up else { throw CatalogueSetupError(message: "zoneplan serve did not answer /health on port \(port)") }
        baseline = try Self.fingerprint(db)
    }

    /// What "nothing stored" compares: the ledger's and quotas' rows and the database file's bytes.
    /// (Python's sqlite3 and hashlib: the tests already need python3; the sqlite3 shell is not installed.)
    static func fingerprint(_ db: String) throws -> String {
        let script = """
            import hashlib, sqlite3, sys
            c = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)
            n = [c.execute('SELECT count(*) FROM ' + t).fetchone()[0] for t in
                 ('zp_decisions', 'zp_decision_inputs', 'zp_quota_entries', 'zp_idempotency', 'zp_layer_versions')]
            c.close()
            print(*n, hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest())
            """
        let r = try CLI.runTool("python3", ["-c", script, db])
        guard r.status == 0 else { throw CatalogueSetupError(message: "fingerprint: \(r.err)") }
        return r.out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// One request to the catalogue's server (python3's urllib: no curl needed): status and body.
    func http(_ method: String, _ path: String, body: String? = nil, headers: [String: String] = [:]) throws -> (status: Int, body: String) {
        try Self.http(port: port, method, path, body: body, headers: headers)
    }

    static func http(port: Int, _ method: String, _ path: String, body: String? = nil, headers: [String: String] = [:]) throws -> (status: Int, body: String) {
        let script = """
            import json, sys, urllib.request, urllib.error
            port, method, path, body, headers = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], json.loads(sys.argv[5])
            data = open(body, 'rb').read() if body else None
            req = urllib.request.Request('http://127.0.0.1:' + port + path, data=data, method=method, headers=headers)
            try:
                r = urllib.request.urlopen(req, timeout=30); status, out = r.status, r.read()
            except urllib.error.HTTPError as e:
                status, out = e.code, e.read()
            sys.stdout.write(str(status) + '\\n' + out.decode('utf-8', 'replace'))
            """
        let headerJSON = String(decoding: try JSONSerialization.data(withJSONObject: headers), as: UTF8.self)
        let r = try CLI.runTool("python3", ["-c", script, String(port), method, path, body ?? "", headerJSON])
        let parts = r.out.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        return (Int(parts.first ?? "") ?? 0, parts.count > 1 ? String(parts[1]) : "")
    }
}

struct CatalogueSetupError: Error, CustomStringConvertible { var message: String; var description: String { message } }

/// A port nobody listens on now (bound to 0, read back, released).
func freePort() throws -> Int {
    let r = try CLI.runTool("python3", ["-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"])
    guard let p = Int(r.out.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw CatalogueSetupError(message: "no free port: \(r.err)") }
    return p
}

@Suite("bad-input catalogue: exact message, exit code, HTTP status, nothing stored")
struct BadInputCatalogueTests {
    @Test("every issue 13 and README bad input", arguments: BadInputCatalogue.cases)
    func catalogued(_ c: CatalogueCase) throws {
        let ws = try #require(CatalogueWorkspace.shared, "the catalogue's workspace and server could not be set up")
        var input = c.input.map { CLI.repoRoot.appendingPathComponent($0).path }
        if let g = c.generated {
            let url = ws.dir.appendingPathComponent(g.name)
            var text = g.head
            for i in 1...g.times { text += g.line.replacingOccurrences(of: "{i}", with: String(i)) }
            try Data((text + g.tail).utf8).write(to: url)
            input = url.path
        }
        if let args = c.args {
            let shown = input.map { c.input != nil ? $0.replacingOccurrences(of: CLI.repoRoot.path + "/", with: "") : $0 } ?? ""
            let r = try CLI.run(args.map { $0.replacingOccurrences(of: "{input}", with: shown) } + ["--db", ws.db, "--quiet"])
            #expect(r.status == c.exit, "exit \(r.status): \(r.err.prefix(300))")
            #expect(r.errLines == [(c.message ?? "").replacingOccurrences(of: "{input}", with: shown)], "\(r.err.prefix(400))")
            #expect(r.stdout.isEmpty, "\(r.out.prefix(200))")
        }
        if let h = c.http {
            for path in h.paths {
                var headers: [String: String] = [:]
                if let type = h.contentType { headers["Content-Type"] = type }
                if path.hasPrefix("/decisions") { headers["Authorization"] = "Bearer \(CatalogueWorkspace.token)" }
                let r = try ws.http(h.method, path, body: input, headers: headers)
                #expect(r.status == h.status, "\(path): \(r.body.prefix(300))")
                let error = (try? JSON.parse(Data(r.body.utf8)))?["error"]?.string
                #expect(error == h.error, "\(path): \(r.body.prefix(400))")
            }
        }
        #expect(try CatalogueWorkspace.fingerprint(ws.db) == ws.baseline, "something was stored")
    }
}
