import Crypto
import FairwayCore
import FairwayPipeline

/// Checks Git push webhooks: GitHub's `X-Hub-Signature-256` (HMAC-SHA256 of the body with the shared
/// secret, compared in constant time) and GitLab's `X-Gitlab-Token` (the secret itself, compared in
/// constant time), then whether the push is for the ref the agent follows. Pure: headers and body in,
/// a verdict out. The secret is never part of a verdict or a log line.
public struct WebhookVerifier: Sendable {
    public enum Verdict: Sendable, Equatable {
        /// A verified push to the followed ref: sync now.
        case sync(provider: String, ref: String)
        /// Verified, but nothing to do (a ping, another branch, another event).
        case ignored(String)
        /// Missing or wrong signature or token: 401, nothing changes.
        case unauthorized(String)
    }

    private let secret: [UInt8]
    /// The ref the agent follows (`main`, `refs/heads/main`, a tag, or `HEAD` for the default branch).
    public let ref: String

    public init(secret: [UInt8], ref: String) {
        self.secret = secret
        self.ref = ref
    }

    /// `headers` with lower-case names.
    public func verify(headers: [String: String], body: [UInt8]) -> Verdict {
        if let signature = headers["x-hub-signature-256"] {
            guard signature.hasPrefix("sha256="), let mac = Self.bytes(hex: String(signature.dropFirst(7))),
                  HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: SymmetricKey(data: secret)) else {
                return .unauthorized("the X-Hub-Signature-256 signature does not match")
            }
            return event(provider: "github", name: headers["x-github-event"] ?? "", pushEvents: ["push"], body: body)
        }
        if let token = headers["x-gitlab-token"] {
            guard Self.constantTimeEqual(Array(token.utf8), secret) else { return .unauthorized("the X-Gitlab-Token does not match") }
            return event(provider: "gitlab", name: headers["x-gitlab-event"] ?? "", pushEvents: ["Push Hook", "Tag Push Hook"], body: body)
        }
        return .unauthorized("no X-Hub-Signature-256 or X-Gitlab-Token header")
    }

    private func event(provider: String, name: String, pushEvents: Set<String>, body: [UInt8]) -> Verdict {
        guard pushEvents.contains(name) else { return .ignored("\(provider) event '\(name)' is not a push") }
        guard let payload = try? JSONReader.parse(body), let pushed = payload["ref"]?.stringValue else {
            return .ignored("the \(provider) push has no ref")
        }
        let defaultBranch = payload["repository"]?["default_branch"]?.stringValue ?? payload["project"]?["default_branch"]?.stringValue
        guard follows(pushed, defaultBranch: defaultBranch) else { return .ignored("push to \(pushed), not to \(ref)") }
        return .sync(provider: provider, ref: pushed)
    }

    /// Whether a push to `pushed` can move the followed ref.
    func follows(_ pushed: String, defaultBranch: String?) -> Bool {
        if ref == "HEAD" { return defaultBranch.map { pushed == "refs/heads/\($0)" } ?? true }
        // A commit SHA never moves.
        if ref.count >= 7, ref.allSatisfy(\.isHexDigit) { return false }
        return [ref, "refs/heads/\(ref)", "refs/tags/\(ref)"].contains(pushed)
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = Character(Unicode.Scalar(digits[index])).hexDigitValue,
                  let low = Character(Unicode.Scalar(digits[index + 1])).hexDigitValue else { return nil }
            out.append(UInt8(high * 16 + low))
            index += 2
        }
        return out
    }
}
