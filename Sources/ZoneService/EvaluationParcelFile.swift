import Foundation
import ZoneEvaluation
import ZoneGeometry
import ZoneStore

/// The parcels of a 亩均 evaluation read from any of the land offices' formats, by the file's
/// extension: GeoJSON (lon/lat), an ESRI Shapefile (.shp with .shx/.dbf and a .prj, read by the
/// workspace importer's reader) or a 报部 TXT (CGCS2000 3° GK zone 40, read by `BaobuTXT`). The
/// credit code links a parcel to its firm; which attribute carries it:
///
/// | format | 统一社会信用代码 in | parcel id |
/// | --- | --- | --- |
/// | GeoJSON | `统一社会信用代码`, else `credit_code` | `parcel_id`, `id`, the Feature id |
/// | Shapefile | `TYSHXYDM` (a .dbf field name has at most 10 bytes, so not `统一社会信用代码`) | `DKBH` (地块编号), else `parcel_id` |
/// | 报部 TXT | `地块名称` (the format has no field for the land user) | `地块编号` |
///
/// `codeField` names another attribute (for a TXT: `地块名称` or `图幅号`). Every problem is an
/// `EvaluationInputError` naming the file and the parcel or line.
public enum EvaluationParcelFile {
    public enum Format: String, Sendable { case geojson, shapefile, baobu }

    public static let shapefileCodeField = "TYSHXYDM"
    public static let shapefileIdFields = ["DKBH", "parcel_id"]
    public static let baobuCodeFields = ["地块名称", "图幅号"]

    public static func format(of path: String) -> Format {
        switch (path as NSString).pathExtension.lowercased() {
        case "shp": return .shapefile
        case "txt": return .baobu
        default: return .geojson
        }
    }

    public static func read(path: String, displayName: String? = nil, geography: EvaluationGeography,
                            codeField: String? = nil) throws -> [Parcel] {
        let name = displayName ?? path
        switch format(of: path) {
        case .geojson:
            guard let data = FileManager.default.contents(atPath: path) else { throw EvaluationInputError(file: name, message: "cannot read the file") }
            let features: [Feature]
            do { features = try GeoJSON.parseFeatures(data) } catch { throw EvaluationInputError(file: name, message: "\(error)") }
            return try ParcelReader.read(features: features, file: name, geography: geography, codeField: codeField)
        case .shapefile:
            let features: [Feature]
            do { features = try LayerImporter.readShapefile(path: path, crs: nil) } catch let e as WorkspaceError {
                throw EvaluationInputError(file: name, message: e.message)
            }
            let field = codeField ?? shapefileCodeField
            guard let first = features.first else { throw EvaluationInputError(file: name, message: "no features") }
            guard first.properties[field] != nil else {
                let fields = first.properties.keys.sorted().joined(separator: ", ")
                throw EvaluationInputError(file: name, column: field, message: "no such attribute in the .dbf (its fields: \(fields)); name the one with the 统一社会信用代码 with --code-field")
            }
            let idField = shapefileIdFields.first { first.properties[$0] != nil }
            let numbered = features.enumerated().map { i, f -> Feature in
                var f = f
                if idField == nil { f.properties["parcel_id"] = .string("\((name as NSString).lastPathComponent) feature \(i + 1)") }
                return f
            }
            return try ParcelReader.read(features: numbered, file: name, geography: geography, codeField: field, idField: idField ?? "parcel_id")
        case .baobu:
            let field = codeField ?? baobuCodeFields[0]
            guard baobuCodeFields.contains(field) else {
                throw EvaluationInputError(file: name, message: "--code-field \(field): a 报部 TXT carries the credit code in \(baobuCodeFields.joined(separator: " or "))")
            }
            guard let data = FileManager.default.contents(atPath: path) else { throw EvaluationInputError(file: name, message: "cannot read the file") }
            let file: BaobuFile
            do { file = try BaobuTXT.read(data, fileName: name) } catch { throw EvaluationInputError(file: name, message: "\(error)") }
            let toLonLat = try CoordinateTransformer(from: .gaussKruger120, to: .wgs84)
            let features = try file.parcels.map { p -> Feature in
                let props: [String: JSONValue] = [
                    "parcel_id": .string(p.number), "地块名称": .string(p.name), "图幅号": .string(p.sheet),
                    "地块用途": .string(p.use), "地类编码": .string(p.landClass),
                    "source": .string("报部 TXT \((name as NSString).lastPathComponent), 地块编号 \(p.number)"),
                ]
                return Feature(id: .string(p.number), geometry: try toLonLat.transform(p.geometryGK), properties: props)
            }
            return try ParcelReader.read(features: features, file: name, geography: geography, codeField: field, idField: "parcel_id")
        }
    }
}
