import Foundation
import ZoneGeometry
import ZonePlan
@testable import ZoneVetting

/// The tiny hand-checkable GeoData in Fixtures/mini-geodata (see its make_mini.py).
enum Mini {
    static let root = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("mini-geodata")
    static let plan: PlanData = try! VettingEngine.loadPlan(from: root)

    static func box(_ w: Double, _ s: Double, _ e: Double, _ n: Double) -> Geometry {
        .polygon(Polygon(exterior: [Coordinate(w, s), Coordinate(e, s), Coordinate(e, n), Coordinate(w, n), Coordinate(w, s)], holes: []))
    }

    /// A site of ~0.004° square (≈ 150 亩) centred at lon/lat.
    static func site(_ lon: Double, _ lat: Double, half: Double = 0.002) -> Geometry {
        box(lon - half, lat - half, lon + half, lat + half)
    }

    static func app(_ site: Geometry, industry: String = "C3976", investmentPerMu: Double? = 400, outputPerMu: Double? = 600,
                    valueAdded: Double? = 10_000, energy: Double? = 500, declared: Double? = nil) throws -> Application {
        let area = try PlanarMeasurer().areaMu(lonLat: site)
        return Application(name: "test", industry: industry, investmentWan: investmentPerMu.map { $0 * area },
                           outputWan: outputPerMu.map { $0 * area }, valueAddedWan: valueAdded, energyTce: energy,
                           declaredAreaMu: declared, site: site)
    }

    static func vet(_ app: Application, plan: PlanData = Mini.plan) throws -> VettingResult {
        try VettingEngine(plan: plan).vet(app)
    }

    /// Runs one rule alone.
    static func findings(_ rule: any VettingRule, _ app: Application, plan: PlanData = Mini.plan) throws -> [Finding] {
        let analyzer = try SiteAnalyzer(plan: plan)
        let site = try analyzer.analyze(site: app.site)
        let spec = plan.rulePack.rule(type(of: rule).id)!
        return try rule.evaluate(RuleInput(application: app, site: site, plan: plan, spec: spec))
    }
}

extension Array where Element == Finding {
    func outcome(_ check: String? = nil) -> Outcome? {
        first { check == nil || $0.check == check }?.outcome
    }
}
