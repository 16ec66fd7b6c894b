/// The one type an attribute has across every feature of a GIS layer, as a GIS declares a
/// column: what GeoJSON exports promise and what the GeoPackage writer declares.
public enum FieldType: String, Sendable, Codable, CaseIterable {
    case integer
    case real
    case text
    case boolean
    /// A list or an object, kept as JSON (GeoPackage: a TEXT column with the `application/json` MIME type).
    case json
}

/// An attribute of a layer: its name and its one type.
public struct FeatureField: Sendable, Hashable, Codable {
    public var name: String
    public var type: FieldType
    public init(name: String, type: FieldType) { self.name = name; self.type = type }
}
