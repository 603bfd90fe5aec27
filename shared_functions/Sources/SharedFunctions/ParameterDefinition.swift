/// One typed, documented parameter of a function: its name, JSON type, description, the allowed
/// values, and where it lives in the function's `Parameters` struct.
///
/// The default is whatever `Parameters()` holds, so it is written once, in the struct.
///
/// ```swift
/// static var definitions: [ParameterDefinition<Self>] {
///     [.number("threshold", \.threshold, "Robust z-score above which a record is anomalous", allowed: .positive)]
/// }
/// ```
public struct ParameterDefinition<Owner> {
    /// The parameter's name in JSON objects, configuration files and keyword arguments.
    public let name: String
    /// Its JSON type.
    public let kind: ParameterKind
    /// One line for people: what the parameter does.
    public let summary: String
    /// The allowed values, in words ("> 0"), or `nil` when any value of the type is allowed.
    public let constraint: String?
    let read: (Owner) -> JSONValue
    /// Writes `value` into `owner`; returns `false` when the value breaks the constraint.
    let write: (inout Owner, JSONValue) -> Bool

    /// The parameter's value in `owner`, as JSON.
    public func value(in owner: Owner) -> JSONValue { read(owner) }
}

/// A named rule on a parameter's value, shown in listings and error messages.
public struct ParameterConstraint<Value>: Sendable {
    /// The rule in words, e.g. "> 0".
    public let description: String
    let isSatisfied: @Sendable (Value) -> Bool

    public init(_ description: String, _ isSatisfied: @escaping @Sendable (Value) -> Bool) {
        self.description = description
        self.isSatisfied = isSatisfied
    }
}

extension ParameterConstraint where Value == Double {
    /// Greater than zero.
    public static var positive: Self { Self("> 0") { $0 > 0 } }
}

extension ParameterConstraint where Value == Int {
    /// An inclusive range of integers.
    public static func within(_ range: ClosedRange<Int>) -> Self {
        Self("between \(range.lowerBound) and \(range.upperBound)") { range.contains($0) }
    }
}

extension ParameterConstraint where Value == String {
    /// At least one character.
    public static var nonEmpty: Self { Self("not empty") { !$0.isEmpty } }
}

extension ParameterDefinition {
    /// A string parameter.
    public static func string(
        _ name: String, _ keyPath: WritableKeyPath<Owner, String>, _ summary: String,
        allowed: ParameterConstraint<String>? = nil
    ) -> Self {
        Self(
            name: name, kind: .string, summary: summary, constraint: allowed?.description,
            read: { .string($0[keyPath: keyPath]) },
            write: { owner, value in
                guard case .string(let string) = value, allowed?.isSatisfied(string) ?? true else { return false }
                owner[keyPath: keyPath] = string
                return true
            })
    }

    /// A finite floating-point parameter; JSON integers are accepted.
    public static func number(
        _ name: String, _ keyPath: WritableKeyPath<Owner, Double>, _ summary: String,
        allowed: ParameterConstraint<Double>? = nil
    ) -> Self {
        Self(
            name: name, kind: .number, summary: summary, constraint: allowed?.description,
            read: { .number($0[keyPath: keyPath]) },
            write: { owner, value in
                guard case .number(let number) = value, number.isFinite,
                    allowed?.isSatisfied(number) ?? true
                else { return false }
                owner[keyPath: keyPath] = number
                return true
            })
    }

    /// An integer parameter; a JSON number with a fractional part is refused.
    public static func integer(
        _ name: String, _ keyPath: WritableKeyPath<Owner, Int>, _ summary: String,
        allowed: ParameterConstraint<Int>? = nil
    ) -> Self {
        Self(
            name: name, kind: .integer, summary: summary, constraint: allowed?.description,
            read: { .number(Double($0[keyPath: keyPath])) },
            write: { owner, value in
                guard case .number(let number) = value, let integer = Int(exactly: number),
                    allowed?.isSatisfied(integer) ?? true
                else { return false }
                owner[keyPath: keyPath] = integer
                return true
            })
    }

    /// A boolean parameter.
    public static func boolean(_ name: String, _ keyPath: WritableKeyPath<Owner, Bool>, _ summary: String) -> Self {
        Self(
            name: name, kind: .boolean, summary: summary, constraint: nil,
            read: { .bool($0[keyPath: keyPath]) },
            write: { owner, value in
                guard case .bool(let bool) = value else { return false }
                owner[keyPath: keyPath] = bool
                return true
            })
    }
}
