/// A secret (token, password, private key) that never shows itself: its description, debug
/// description and reflection all print `<redacted>`, so interpolating a configuration into a log
/// line or an error message cannot leak it. Read `value` only where the secret is used.
public struct Redacted<Value: Sendable & Equatable>: Sendable, Equatable, CustomStringConvertible,
    CustomDebugStringConvertible, CustomReflectable
{
    public let value: Value

    public init(_ value: Value) { self.value = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
