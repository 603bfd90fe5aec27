/// One field of a function's output object: its name, JSON type and meaning. Lets notebooks give
/// each column a stable type (a mean that happens to be whole is still a number, not an integer).
public struct OutputField: Codable, Sendable, Hashable {
    public let name: String
    public let type: ParameterKind
    /// Whether the field may be `null`.
    public let nullable: Bool
    public let description: String

    public init(_ name: String, _ type: ParameterKind, nullable: Bool = false, _ description: String) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.description = description
    }
}
