import Foundation
import Testing
import ZoneGeometry
import ZonePlan
@testable import ZoneEvaluation

/// The JSON output is written member by member and in chunks for speed; it must be exactly what
/// `JSONValue.serialized` writes for the same document (sorted keys, the same number forms).
@Suite struct EvaluationJSONOutputTests {
    @Test func theJsonIsTheCanonicalTextOfItsOwnValueWithEveryOptionalMember() throws {
        let pack = try loadShippedPack()
        let table = try FirmTable.read(contentsOf: fixture("small.csv"), displayName: "small.csv", pack: pack)
        let code = table.firms[0].creditCode
        let projects = [CommittedProject(decisionId: 7, name: "项目", verdict: "approve", year: 2024,
                                         properties: ["credit_code": .string(code), "output_wan": .number(5000)])]
        let geography = EvaluationGeography(counties: [], platforms: [])
        for (previous, commitments) in [(nil, nil), (table, nil), (table, projects)] as [(FirmTable?, [CommittedProject]?)] {
            let result = Evaluator(pack: pack).evaluate(table, parcels: [], year: 2025, previous: previous, previousYear: 2024, commitments: commitments)
            let text = EvaluationOutput(result: result, pack: pack, geography: geography, industryName: { _ in nil }).json()
            let value = try JSONValue.parse(Data(text.utf8))
            #expect(value.serialized() + "\n" == text)
            #expect(value["firms"]?.arrayValue?.count == table.firms.count)
            #expect((value["firms"]?.arrayValue?.first?["class_changed"] != nil) == (previous != nil))
            #expect((value["commitments"] != nil) == (commitments != nil))
            if commitments != nil { #expect(value["firms"]?.arrayValue?.first?["below_commitment"]?["decision"]?.intValue == 7) }
        }
    }

    /// The example's 2,000 firms are written in several chunks, spliced in order; the GeoJSON of its
    /// parcels is the same value as each parcel's feature written alone.
    @Test func chunksSpliceInOrder() throws {
        let (result, pack) = ExampleDataTests.evaluated
        let output = EvaluationOutput(result: result, pack: pack, geography: shippedGeography, industryName: { _ in nil })
        #expect(EvaluationOutput.inChunks(result.firms.count) { $0 }.count > 1)
        let text = output.json()
        let value = try JSONValue.parse(Data(text.utf8))
        #expect(value.serialized() + "\n" == text)
        #expect(value["firms"]?.arrayValue?.compactMap { $0["credit_code"]?.stringValue } == result.firms.map(\.creditCode))
        let features = try #require(try JSONValue.parse(output.geojson())["features"]?.arrayValue)
        #expect(features.compactMap { $0["id"]?.stringValue } == result.parcels.map(\.id))
    }
}
