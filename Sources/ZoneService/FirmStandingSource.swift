import ZoneEvaluation
import ZoneStore
import ZoneVetting

/// Where `check` gets the applicants' 亩均效益 standing: an evaluation just computed or a stored year.
public enum FirmStandingSource {
    /// The classes of an evaluation, for the firm-standing rule.
    public static func standings(_ r: EvaluationResult, source: String) -> FirmStandings {
        FirmStandings(year: r.year, packVersion: r.packVersion, source: source, firms: r.firms.map {
            FirmStanding(creditCode: $0.creditCode, name: $0.name, firmClass: $0.firmClass.flatMap { FirmStanding.Class(rawValue: $0.rawValue) },
                         score: $0.score, notEvaluated: $0.notEvaluated)
        })
    }

    /// The latest evaluation year stored in the workspace (`zoneplan evaluate import`), evaluated
    /// with its own pack; nil when none is stored.
    public static func latest(_ store: WorkspaceStore) throws -> FirmStandings? {
        guard let year = try WorkspaceEvaluation.years(store).max(),
              let e = try WorkspaceEvaluation.evaluate(store, year: year) else { return nil }
        return standings(e.result, source: "workspace")
    }
}
