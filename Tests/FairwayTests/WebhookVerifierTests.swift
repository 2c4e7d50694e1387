import Crypto
import FairwayAgent
import FairwayPipeline
import Foundation
import Testing

/// Push webhooks: GitHub's HMAC signature and GitLab's token, compared against the secret; the push
/// must be for the followed ref. Anything unsigned or mis-signed is unauthorized.
@Suite struct WebhookVerifierTests {
    static let secret = "s3cret-webhook-value"
    static let push = #"{"ref":"refs/heads/main","after":"abc","repository":{"default_branch":"main"}}"#

    static func githubSignature(_ body: String, secret: String = secret) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(body.utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    static func verify(_ headers: [String: String], _ body: String = push, ref: String = "main") -> WebhookVerifier.Verdict {
        WebhookVerifier(secret: Array(secret.utf8), ref: ref).verify(headers: headers, body: Array(body.utf8))
    }

    @Test func githubPushToTheFollowedBranchSyncs() {
        let verdict = Self.verify(["x-hub-signature-256": Self.githubSignature(Self.push), "x-github-event": "push"])
        #expect(verdict == .sync(provider: "github", ref: "refs/heads/main"))
    }

    @Test(arguments: [
        ("sha256=" + String(repeating: "0", count: 64), "does not match"),
        (githubSignature(push, secret: "another-secret"), "does not match"),
        ("sha1=abcdef", "does not match"),
        ("sha256=zz", "does not match"),
    ])
    func badGithubSignaturesAreUnauthorized(signature: String, reason: String) {
        guard case let .unauthorized(message) = Self.verify(["x-hub-signature-256": signature, "x-github-event": "push"]) else {
            Issue.record("a bad signature was accepted")
            return
        }
        #expect(message.contains(reason))
        #expect(!message.contains(Self.secret))
    }

    @Test func aBodyChangedAfterSigningIsUnauthorized() {
        let signature = Self.githubSignature(Self.push)
        let tampered = Self.push.replacingOccurrences(of: "abc", with: "abd")
        #expect(Self.verify(["x-hub-signature-256": signature, "x-github-event": "push"], tampered)
            == .unauthorized("the X-Hub-Signature-256 signature does not match"))
    }

    @Test func noSignatureOrTokenIsUnauthorized() {
        #expect(Self.verify(["x-github-event": "push"]) == .unauthorized("no X-Hub-Signature-256 or X-Gitlab-Token header"))
    }

    @Test func gitlabTokenIsComparedWithTheSecret() {
        #expect(Self.verify(["x-gitlab-token": Self.secret, "x-gitlab-event": "Push Hook"]) == .sync(provider: "gitlab", ref: "refs/heads/main"))
        #expect(Self.verify(["x-gitlab-token": Self.secret + "x", "x-gitlab-event": "Push Hook"]) == .unauthorized("the X-Gitlab-Token does not match"))
        #expect(Self.verify(["x-gitlab-token": "", "x-gitlab-event": "Push Hook"]) == .unauthorized("the X-Gitlab-Token does not match"))
    }

    @Test(arguments: [
        // (followed ref, pushed ref, default branch, syncs)
        ("main", "refs/heads/main", "main", true),
        ("refs/heads/main", "refs/heads/main", "main", true),
        ("main", "refs/heads/feature", "main", false),
        ("HEAD", "refs/heads/trunk", "trunk", true),
        ("HEAD", "refs/heads/feature", "trunk", false),
        ("v1.2.0", "refs/tags/v1.2.0", "main", true),
        ("0123456789abcdef0123456789abcdef01234567", "refs/heads/main", "main", false),
    ])
    func onlyPushesThatCanMoveTheFollowedRefSync(followed: String, pushed: String, defaultBranch: String, syncs: Bool) {
        let body = #"{"ref":"\#(pushed)","repository":{"default_branch":"\#(defaultBranch)"}}"#
        let verdict = Self.verify(["x-hub-signature-256": Self.githubSignature(body), "x-github-event": "push"], body, ref: followed)
        if syncs {
            #expect(verdict == .sync(provider: "github", ref: pushed))
        } else {
            guard case .ignored = verdict else { Issue.record("\(verdict)"); return }
        }
    }

    @Test func verifiedEventsThatAreNotPushesAreIgnored() {
        let ping = #"{"zen":"Keep it logically awesome."}"#
        #expect(Self.verify(["x-hub-signature-256": Self.githubSignature(ping), "x-github-event": "ping"], ping)
            == .ignored("github event 'ping' is not a push"))
        #expect(Self.verify(["x-gitlab-token": Self.secret, "x-gitlab-event": "Merge Request Hook"])
            == .ignored("gitlab event 'Merge Request Hook' is not a push"))
    }
}
