/// A GeoData, industry-vocabulary or rule-pack file that cannot be used as it is. Loading stops at
/// the first one: nothing half-loads. The description is one line naming the file (and line),
/// the feature or rule id, and the field.
public struct PlanDataError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var line: Int?
    public var featureId: String?
    public var field: String?
    public var message: String

    public init(file: String, line: Int? = nil, featureId: String? = nil, field: String? = nil, message: String) {
        self.file = file; self.line = line; self.featureId = featureId; self.field = field; self.message = message
    }

    public var description: String {
        var s = file
        if let line, line > 0 { s += ":\(line)" }
        if let featureId { s += ": \(featureId)" }
        if let field { s += ": field \(field)" }
        return s + ": " + message
    }
}
