/// The typed parameters of a function. `init()` holds the defaults; ``definitions`` names,
/// types and documents each parameter, so parsing, validation and listings need no other code.
public protocol FunctionParameters: Sendable {
    /// The parameters with every default value.
    init()
    /// One definition per parameter, in the order they are listed to users.
    static var definitions: [ParameterDefinition<Self>] { get }
}

extension FunctionParameters {
    /// Parses parameters from a JSON object's members: starts from the defaults, then sets each
    /// member. Unknown names, wrong JSON types and values outside the allowed ones are refused
    /// with a ``FunctionError`` naming the function and the parameter.
    public static func parse(_ members: [String: JSONValue], function: String) throws(FunctionError) -> Self {
        var parameters = Self()
        let definitions = Self.definitions
        for name in members.keys.sorted() {
            let value = members[name] ?? .null
            guard let definition = definitions.first(where: { $0.name == name }) else {
                let known = definitions.map(\.name).joined(separator: ", ")
                throw FunctionError(
                    .unknownParameter,
                    "\(function) has no parameter '\(name)'; its parameters are: \(known.isEmpty ? "none" : known)",
                    function: function, parameter: name)
            }
            guard definition.write(&parameters, value) else {
                let typeMatches = definition.kind.accepts(value)
                let expectation =
                    typeMatches
                    ? "\(definition.kind.expectation) \(definition.constraint ?? "")"
                    : definition.kind.expectation
                throw FunctionError(
                    typeMatches ? .invalidParameterValue : .invalidParameterType,
                    "parameter '\(name)' of \(function) must be \(expectation.trimmingTrailingSpace()), got \(value)",
                    function: function, parameter: name)
            }
        }
        return parameters
    }

    /// The parameters' current values as a JSON object, in definition order.
    public func jsonMembers() -> [(name: String, value: JSONValue)] {
        Self.definitions.map { ($0.name, $0.value(in: self)) }
    }
}

extension ParameterKind {
    /// Whether `value` has this kind's JSON type (whatever its constraint).
    func accepts(_ value: JSONValue) -> Bool {
        switch (self, value) {
        case (.string, .string), (.boolean, .bool): true
        case (.number, .number(let number)): number.isFinite
        case (.integer, .number(let number)): Int(exactly: number) != nil
        default: false
        }
    }
}

extension String {
    fileprivate func trimmingTrailingSpace() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}

/// Parameters of a function that takes none.
public struct NoParameters: FunctionParameters {
    public init() {}
    public static var definitions: [ParameterDefinition<Self>] { [] }
}
