import Foundation

/// Encodes a function's outputs as `JSONEncoder` does with `[.sortedKeys, .withoutEscapingSlashes]`,
/// byte for byte, at a fraction of its cost (it was a quarter of the processing module's time).
///
/// Guarantees: for every value it encodes, the bytes equal `JSONEncoder`'s (object members sorted
/// by their UTF-8 bytes, a later member replacing an earlier one of the same name, doubles as
/// their `description` without a trailing `.0`, strings escaped as `JSONEncoder` escapes them).
/// Whatever it does not handle the same way (non-finite numbers, `Date`, `Data`, `URL`, `Decimal`,
/// custom coding keys strategies) it refuses with ``Unsupported``, and the caller encodes that
/// output with `JSONEncoder`, so the bytes and the error messages never depend on which path ran.
struct OutputEncoder {
    /// The value cannot be encoded here; encode it with `JSONEncoder` instead.
    struct Unsupported: Error {}

    private var writer = JSONWriter(reservingCapacity: 256)

    /// The JSON text of `value`.
    static func encode(_ value: some Encodable) throws(Unsupported) -> [UInt8] {
        let root = OutputEncodingNode()
        do {
            try value.encode(to: OutputEncodingSink(node: root, codingPath: []))
        } catch {
            throw Unsupported()
        }
        var encoder = OutputEncoder()
        try encoder.write(root)
        return encoder.writer.bytes
    }

    private mutating func write(_ node: OutputEncodingNode) throws(Unsupported) {
        if node.refused { throw Unsupported() }
        switch node.content {
        case .empty: throw Unsupported()  // an encode(to:) that encoded nothing: JSONEncoder's choice
        case .scalar(let scalar): write(scalar)
        case .array(let elements):
            writer.raw("[")
            for (index, element) in elements.enumerated() {
                if index > 0 { writer.raw(",") }
                try write(element)
            }
            writer.raw("]")
        case .object(let members):
            writer.raw("{")
            // Sorted by name, then by order of encoding; the last of equal names wins.
            let order = members.indices.sorted {
                let (left, right) = (members[$0].name, members[$1].name)
                return left == right ? $0 < $1 : left.utf8.lexicographicallyPrecedes(right.utf8)
            }
            var first = true
            for (position, index) in order.enumerated() {
                if position + 1 < order.count, members[order[position + 1]].name == members[index].name { continue }
                if !first { writer.raw(",") }
                first = false
                writer.name(members[index].name)
                try write(members[index].value)
            }
            writer.raw("}")
        }
    }

    private mutating func write(_ scalar: OutputEncodingNode.Scalar) {
        switch scalar {
        case .null: writer.raw("null")
        case .bool(let flag): writer.raw(flag ? "true" : "false")
        case .text(let text): writer.string(text)
        case .number(let digits):
            var digits = digits
            if digits.hasSuffix(".0") { digits.removeLast(2) }
            writer.raw(digits)
        }
    }
}

/// One value being encoded: a scalar, or a container its encoder fills in later.
final class OutputEncodingNode {
    enum Scalar {
        case null
        case bool(Bool)
        case text(String)
        /// A number's `description` (a trailing `.0` is dropped when written).
        case number(String)
    }

    enum Content {
        case empty
        case scalar(Scalar)
        case array([OutputEncodingNode])
        case object([(name: String, value: OutputEncodingNode)])
    }

    var content = Content.empty
    /// Something was encoded here that this encoder cannot place as `JSONEncoder` would (a member
    /// added to a scalar, a second single value): the output falls back.
    var refused = false
}

/// The `Encoder` handed to an output's `encode(to:)`.
struct OutputEncodingSink: Encoder {
    let node: OutputEncodingNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .empty = node.content { node.content = .object([]) }
        return KeyedEncodingContainer(OutputKeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .empty = node.content { node.content = .array([]) }
        return OutputUnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        OutputSingleValueContainer(node: node, codingPath: codingPath)
    }
}

/// Encodes one value into a fresh node; refuses the types `JSONEncoder` treats specially.
private func encodedNode(_ value: some Encodable, codingPath: [any CodingKey]) throws -> OutputEncodingNode {
    let node = OutputEncodingNode()
    try OutputSingleValueContainer(node: node, codingPath: codingPath).encode(value)
    return node
}

private struct OutputSingleValueContainer: SingleValueEncodingContainer {
    let node: OutputEncodingNode
    let codingPath: [any CodingKey]

    private func set(_ scalar: OutputEncodingNode.Scalar) {
        guard case .empty = node.content else { return node.refused = true }
        node.content = .scalar(scalar)
    }

    private func setFloat(_ value: some BinaryFloatingPoint & CustomStringConvertible) throws {
        guard value.isFinite else { throw OutputEncoder.Unsupported() }  // JSONEncoder's error, with its message
        set(.number(value.description))
    }

    func encodeNil() { set(.null) }
    func encode(_ value: Bool) { set(.bool(value)) }
    func encode(_ value: String) { set(.text(value)) }
    func encode(_ value: Double) throws { try setFloat(value) }
    func encode(_ value: Float) throws { try setFloat(value) }
    func encode(_ value: Int) { set(.number(value.description)) }
    func encode(_ value: Int8) { set(.number(value.description)) }
    func encode(_ value: Int16) { set(.number(value.description)) }
    func encode(_ value: Int32) { set(.number(value.description)) }
    func encode(_ value: Int64) { set(.number(value.description)) }
    func encode(_ value: UInt) { set(.number(value.description)) }
    func encode(_ value: UInt8) { set(.number(value.description)) }
    func encode(_ value: UInt16) { set(.number(value.description)) }
    func encode(_ value: UInt32) { set(.number(value.description)) }
    func encode(_ value: UInt64) { set(.number(value.description)) }

    func encode<T: Encodable>(_ value: T) throws {
        // Metatype comparisons, not casts: a cast of an optional would unwrap it.
        if T.self == Double.self { return try encode(unsafeBitCast(value, to: Double.self)) }
        if T.self == Int64.self { return encode(unsafeBitCast(value, to: Int64.self)) }
        if T.self == Int.self { return encode(unsafeBitCast(value, to: Int.self)) }
        if T.self == String.self { return encode(unsafeBitCast(value, to: String.self)) }
        if T.self == Bool.self { return encode(unsafeBitCast(value, to: Bool.self)) }
        // JSONEncoder has its own encodings of these.
        if T.self == Date.self || T.self == Data.self || T.self == URL.self || T.self == Decimal.self {
            throw OutputEncoder.Unsupported()
        }
        guard case .empty = node.content else { return node.refused = true }
        try value.encode(to: OutputEncodingSink(node: node, codingPath: codingPath))
    }
}

private struct OutputKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: OutputEncodingNode
    let codingPath: [any CodingKey]

    private func add(_ member: OutputEncodingNode, _ key: any CodingKey) {
        guard case .object(var members) = node.content else { return node.refused = true }
        node.content = .empty  // members is now the only reference: appending does not copy
        members.append((key.stringValue, member))
        node.content = .object(members)
    }

    private func add(_ scalar: OutputEncodingNode.Scalar, _ key: Key) {
        let member = OutputEncodingNode()
        member.content = .scalar(scalar)
        add(member, key)
    }

    func encodeNil(forKey key: Key) throws { add(.null, key) }
    func encode(_ value: Bool, forKey key: Key) throws { add(.bool(value), key) }
    func encode(_ value: String, forKey key: Key) throws { add(.text(value), key) }
    func encode(_ value: Int, forKey key: Key) throws { add(.number(value.description), key) }
    func encode(_ value: Int64, forKey key: Key) throws { add(.number(value.description), key) }

    func encode(_ value: Double, forKey key: Key) throws {
        guard value.isFinite else { throw OutputEncoder.Unsupported() }
        add(.number(value.description), key)
    }

    func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        // The members outputs are made of, without a nested encoder (metatype tests, no casts).
        if T.self == Double?.self {
            guard let number = unsafeBitCast(value, to: Double?.self) else { return add(.null, key) }
            return try encode(number, forKey: key)
        }
        if T.self == Int?.self { return add(unsafeBitCast(value, to: Int?.self).map { .number($0.description) } ?? .null, key) }
        if T.self == Int64?.self { return add(unsafeBitCast(value, to: Int64?.self).map { .number($0.description) } ?? .null, key) }
        if T.self == String?.self { return add(unsafeBitCast(value, to: String?.self).map { .text($0) } ?? .null, key) }
        add(try encodedNode(value, codingPath: codingPath + [key]), key)
    }

    func encode(_ value: Float, forKey key: Key) throws { try encodeValue(value, key) }
    func encode(_ value: Int8, forKey key: Key) throws { try encodeValue(value, key) }
    func encode(_ value: Int16, forKey key: Key) throws { try encodeValue(value, key) }
    func encode(_ value: Int32, forKey key: Key) throws { try encodeValue(value, key) }
    func encode(_ value: UInt, forKey key: Key) throws { try encodeValue(value, key) }
    func encode(_ value: UInt8, forKey key: Key) throws { try encodeValue(value, key) }
    func encode(_ value: UInt16, forKey key: Key) throws { try encodeValue(value, key) }
    func encode(_ value: UInt32, forKey key: Key) throws { try encodeValue(value, key) }
    func encode(_ value: UInt64, forKey key: Key) throws { try encodeValue(value, key) }

    private func encodeValue(_ value: some Encodable, _ key: Key) throws {
        add(try encodedNode(value, codingPath: codingPath + [key]), key)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<
        NestedKey
    > {
        let member = OutputEncodingNode()
        add(member, key)
        return OutputEncodingSink(node: member, codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let member = OutputEncodingNode()
        add(member, key)
        return OutputEncodingSink(node: member, codingPath: codingPath + [key]).unkeyedContainer()
    }

    /// As `JSONEncoder`: the superclass's value is the member `super`.
    func superEncoder() -> any Encoder { memberEncoder(SuperKey()) }
    func superEncoder(forKey key: Key) -> any Encoder { memberEncoder(key) }

    private func memberEncoder(_ key: any CodingKey) -> any Encoder {
        let member = OutputEncodingNode()
        add(member, key)
        return OutputEncodingSink(node: member, codingPath: codingPath + [key])
    }
}

private struct SuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) { nil }
    init?(intValue: Int) { nil }
}

private struct OutputUnkeyedContainer: UnkeyedEncodingContainer {
    let node: OutputEncodingNode
    let codingPath: [any CodingKey]
    var count: Int {
        guard case .array(let elements) = node.content else { return 0 }
        return elements.count
    }

    private func add(_ element: OutputEncodingNode) {
        guard case .array(var elements) = node.content else { return node.refused = true }
        node.content = .empty
        elements.append(element)
        node.content = .array(elements)
    }

    mutating func encodeNil() throws {
        let element = OutputEncodingNode()
        element.content = .scalar(.null)
        add(element)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        add(try encodedNode(value, codingPath: codingPath))
    }

    mutating func encode(_ value: Bool) throws { add(try encodedNode(value, codingPath: codingPath)) }
    mutating func encode(_ value: String) throws { add(try encodedNode(value, codingPath: codingPath)) }
    mutating func encode(_ value: Double) throws { add(try encodedNode(value, codingPath: codingPath)) }
    mutating func encode(_ value: Float) throws { add(try encodedNode(value, codingPath: codingPath)) }
    mutating func encode(_ value: Int) throws { add(try encodedNode(value, codingPath: codingPath)) }
    mutating func encode(_ value: Int8) throws { add(try encodedNode(value, codingPath: codingPath)) }
    mutating func encode(_ value: Int16) throws { add(try encodedNode(value, codingPath: codingPath)) }
    mutating func encode(_ value: Int32) throws { add(try encodedNode(value, codingPath: codingPath)) }
    mutating func encode(_ value: Int64) throws { add(try encodedNode(value, codingPath: codingPath)) }
    mutating func encode(_ value: UInt) throws { add(try encodedNode(value, codingPath: codingPath)) }
    mutating func encode(_ value: UInt8) throws { add(try encodedNode(value, codingPath: codingPath)) }
    mutating func encode(_ value: UInt16) throws { add(try encodedNode(value, codingPath: codingPath)) }
    mutating func encode(_ value: UInt32) throws { add(try encodedNode(value, codingPath: codingPath)) }
    mutating func encode(_ value: UInt64) throws { add(try encodedNode(value, codingPath: codingPath)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let element = OutputEncodingNode()
        add(element)
        return OutputEncodingSink(node: element, codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let element = OutputEncodingNode()
        add(element)
        return OutputEncodingSink(node: element, codingPath: codingPath).unkeyedContainer()
    }

    /// As `JSONEncoder`: the superclass's value is the next element.
    mutating func superEncoder() -> any Encoder {
        let element = OutputEncodingNode()
        add(element)
        return OutputEncodingSink(node: element, codingPath: codingPath)
    }
}
