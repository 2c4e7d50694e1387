import Testing
@testable import FairwayFairness

/// A misuse of Z3 (here: adding an integer to a boolean, a sort error) is an answer, not an exit:
/// with Z3's default handler this test process would end.
@Suite struct Z3ErrorTests {
    @Test func aSortErrorIsReportedAndTheProcessGoesOn() {
        let (outcome, error) = Z3Session.withSolver { z -> (Z3Session.Outcome, String?) in
            let wrong = z.add([z.int("x"), z.bool("b")])
            let (outcome, _) = z.check(rules: [z.le(wrong, z.const(3))], facts: [])
            return (outcome, z.error)
        }
        guard case let .unknown(reason) = outcome else {
            Issue.record("expected unknown, got \(outcome)")
            return
        }
        #expect(reason.hasPrefix("Z3 error:"), "\(reason)")
        #expect(error != nil)
        // A fresh session is unaffected.
        let fine = Z3Session.withSolver { z in z.check(rules: [z.le(z.int("y"), z.const(3))], facts: []).0 }
        guard case .sat = fine else {
            Issue.record("expected sat, got \(fine)")
            return
        }
    }
}
