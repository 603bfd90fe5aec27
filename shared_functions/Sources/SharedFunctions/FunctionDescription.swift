/// What a registered function is and which parameters it takes, for listings (`functions`
/// command, notebooks' `functions()`).
public struct FunctionDescription: Codable, Sendable, Hashable {
    /// One parameter: name, JSON type, default, allowed values and description.
    public struct Parameter: Codable, Sendable, Hashable {
        public let name: String
        public let type: ParameterKind
        public let defaultValue: JSONValue
        /// The allowed values in words (e.g. "> 0"), when restricted beyond the type.
        public let allowed: String?
        public let description: String

        enum CodingKeys: String, CodingKey {
            case name, type, allowed, description
            case defaultValue = "default"
        }
    }

    public let name: String
    public let version: String
    public let description: String
    public let parameters: [Parameter]
    /// The fields of each output object (empty when the function does not declare them).
    public let outputs: [OutputField]
    /// The columns the function reads from a DataFrame with its default parameters (empty when
    /// its input has no columnar form); a parameter such as `field` renames them.
    public let inputs: [InputColumn]

    init<Function: WindowFunction>(_ function: Function.Type) {
        let defaults = Function.Parameters()
        name = Function.name
        version = Function.version
        description = Function.summary
        outputs = Function.outputFields
        inputs = Function.columnReader(context: Function.decodingContext(for: defaults))?.descriptions ?? []
        parameters = Function.Parameters.definitions.map { definition in
            Parameter(
                name: definition.name, type: definition.kind, defaultValue: definition.value(in: defaults),
                allowed: definition.constraint, description: definition.summary)
        }
    }
}
