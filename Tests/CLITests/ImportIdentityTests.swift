import Foundation
import Testing

/// `zoneplan import` as a bureau runs it on its official platform boundaries (the issue's
/// 园区边界 with `--id-field id`): ids kept, orphans listed and refused, `ledger verify` honest.
@Suite("import: --id-field keeps ids; orphans refused unless --force", .serialized)
struct ImportIdentityTests {
    static let platforms = CLI.geodata.appendingPathComponent("layers/platforms.geojson").path

    /// "draws 80.00 亩 county:330402:2026 (balance …)" parts of a decide line, without the balances.
    static func draws(_ line: String) -> [String] {
        line.components(separatedBy: "; ").filter { $0.hasPrefix("draws ") }.map { $0.components(separatedBy: " (balance").first! }.sorted()
    }

    @Test("ids kept; decide --dry-run names the same draws as decide; show finds the platform")
    func idsKeptAndDryRunHonest() throws {
        let ws = try CLIWorkspace()
        #expect(try ws.run(["quota", "set", "county:330402", "2026", "1000"]).status == 0)
        #expect(try ws.run(["quota", "set", "platform:platform-prov-jxip", "2026", "500"]).status == 0)
        let imp = try ws.run(["import", "platforms", Self.platforms, "--id-field", "id", "--accuracy", "2"])
        #expect(imp.status == 0, "\(imp.err)")
        let show = try ws.run(["show", "platform-prov-jxip"])
        #expect(show.status == 0 && show.out.contains("嘉兴工业园区") && show.out.contains("official import"), "\(show.err)")
        #expect(try ws.run(["show", "platforms-platform-prov-jxip"]).status == 5)

        let site = CLI.example("jiaxipera-compressor")
        let dry = try ws.run(["decide", site, "--year", "2026", "--dry-run"])
        let real = try ws.run(["decide", site, "--year", "2026"])
        #expect(real.status == 0, "\(real.err)")
        #expect(Self.draws(dry.err) == Self.draws(real.err), "dry: \(dry.err)\nreal: \(real.err)")
        #expect(Self.draws(real.err).contains { $0.hasSuffix("platform:platform-prov-jxip:2026") }, "\(real.err)")
        let verify = try ws.run(["ledger", "verify"])
        #expect(verify.status == 0 && verify.out.hasPrefix("ok"), "\(verify.out)")
    }

    @Test("an import that would orphan a quota account and a decision lists them and exits 2; --force imports, verify says not ok")
    func orphansListedAndRefused() throws {
        let ws = try CLIWorkspace()
        #expect(try ws.run(["quota", "set", "county:330402", "2026", "1000"]).status == 0)
        #expect(try ws.run(["quota", "set", "platform:platform-prov-jxip", "2026", "500"]).status == 0)
        #expect(try ws.run(["decide", CLI.example("jiaxipera-compressor"), "--year", "2026"]).status == 0)
        let layersBefore = try ws.run(["layers"]).out

        let refused = try ws.run(["import", "platforms", Self.platforms, "--id-field", "name_en"])
        #expect(refused.status == 2, "\(refused.err)")
        #expect(refused.err.contains("would orphan: quota account platform:platform-prov-jxip:2026"), "\(refused.err)")
        #expect(refused.err.contains("would orphan: decision 1 "), "\(refused.err)")
        #expect(refused.errLines.last?.contains("nothing imported") == true, "\(refused.err)")
        #expect(try ws.run(["layers"]).out == layersBefore, "nothing stored")
        #expect(try ws.run(["ledger", "verify"]).status == 0)

        let forced = try ws.run(["import", "platforms", Self.platforms, "--id-field", "name_en", "--force"])
        #expect(forced.status == 0, "\(forced.err)")
        #expect(forced.err.contains("orphaned by --force: quota account platform:platform-prov-jxip:2026"), "\(forced.err)")
        let verify = try ws.run(["ledger", "verify"])
        #expect(verify.status == 1)
        #expect(verify.out.contains("problem: quota account platform:platform-prov-jxip:2026"), "\(verify.out)")
        #expect(verify.out.contains("problem: decision 1 "), "\(verify.out)")
    }
}
