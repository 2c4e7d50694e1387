import CZ3
import Dispatch

/// A Z3 context for integer arithmetic, alive only inside `Z3Session.withSolver { }`: the context and
/// every solver made from it are freed when the body returns or throws. A watchdog interrupts Z3 at
/// the deadline (Z3's own timeout is soft). Not thread-safe: use one session on one thread.
///
/// Z3's default error handler ends the process. The session installs one that returns instead, and
/// every call checks for an error: a misuse makes `check` answer `.unknown` (and `closest` nil), so
/// the explanation fails and the arithmetic diagnostics stand; the process never exits.
final class Z3Session {
    let context: Z3_context
    private let intSort: Z3_sort
    private var names: [String: Z3_ast] = [:]
    /// Stands in for an expression Z3 refused to build; the session's next check reports the error.
    private let placeholder: Z3_ast

    private init(context: Z3_context) {
        self.context = context
        intSort = Z3_mk_int_sort(context)
        placeholder = Z3_mk_int64(context, 0, intSort)
    }

    /// The first error Z3 reported in this session (Z3 clears its error code at the next call,
    /// so the session keeps it).
    private var failure: String?

    /// The first error of the session, if any, including one from the last call.
    var error: String? {
        if let failure { return failure }
        let code = Z3_get_error_code(context)
        guard code != Z3_OK else { return nil }
        failure = String(cString: Z3_get_error_msg(context, code))
        return failure
    }

    /// `ast`, or the placeholder when Z3 refused to build it; any error is kept for the next check.
    private func made(_ ast: Z3_ast?) -> Z3_ast {
        _ = error
        return ast ?? placeholder
    }

    /// Runs `body` with a fresh context; Z3 is interrupted after `deadline` seconds.
    static func withSolver<T>(deadline seconds: Double = 5, _ body: (Z3Session) throws -> T) rethrows -> T {
        let config = Z3_mk_config()
        let context = Z3_mk_context(config)!
        Z3_del_config(config)
        // Errors are read back with Z3_get_error_code instead of ending the process.
        Z3_set_error_handler(context) { _, _ in }
        let watchdog = Watchdog(context: context)
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { watchdog.fire() }
        defer {
            watchdog.disarm()
            Z3_del_context(context)
        }
        return try body(Z3Session(context: context))
    }

    func int(_ name: String) -> Z3_ast {
        if let existing = names[name] { return existing }
        let ast = made(Z3_mk_const(context, Z3_mk_string_symbol(context, name), intSort))
        names[name] = ast
        return ast
    }

    func bool(_ name: String) -> Z3_ast {
        made(Z3_mk_const(context, Z3_mk_string_symbol(context, name), Z3_mk_bool_sort(context)))
    }

    func const(_ value: Int) -> Z3_ast { made(Z3_mk_int64(context, Int64(value), intSort)) }

    func add(_ terms: [Z3_ast]) -> Z3_ast {
        guard !terms.isEmpty else { return const(0) }
        guard terms.count > 1 else { return terms[0] }
        let optionals: [Z3_ast?] = terms
        return made(optionals.withUnsafeBufferPointer { Z3_mk_add(context, UInt32($0.count), $0.baseAddress) })
    }

    func mul(_ a: Z3_ast, _ b: Z3_ast) -> Z3_ast {
        let pair: [Z3_ast?] = [a, b]
        return made(pair.withUnsafeBufferPointer { Z3_mk_mul(context, 2, $0.baseAddress) })
    }

    func sub(_ a: Z3_ast, _ b: Z3_ast) -> Z3_ast {
        let pair: [Z3_ast?] = [a, b]
        return made(pair.withUnsafeBufferPointer { Z3_mk_sub(context, 2, $0.baseAddress) })
    }

    func le(_ a: Z3_ast, _ b: Z3_ast) -> Z3_ast { made(Z3_mk_le(context, a, b)) }
    func ge(_ a: Z3_ast, _ b: Z3_ast) -> Z3_ast { made(Z3_mk_ge(context, a, b)) }
    func eq(_ a: Z3_ast, _ b: Z3_ast) -> Z3_ast { made(Z3_mk_eq(context, a, b)) }

    /// The outcome of a check.
    enum Outcome {
        case sat
        case unsat
        case unknown(String)
    }

    /// Checks `rules` plus the tracked `facts`; on unsat, returns the indexes of the facts in Z3's core.
    func check(rules: [Z3_ast], facts: [Z3_ast]) -> (Outcome, core: [Int]) {
        if let error { return (.unknown("Z3 error: \(error)"), []) }
        guard let solver = Z3_mk_solver(context) else { return (.unknown("Z3 error: \(error ?? "no solver")"), []) }
        Z3_solver_inc_ref(context, solver)
        defer { Z3_solver_dec_ref(context, solver) }
        for rule in rules { Z3_solver_assert(context, solver, rule) }
        var trackers: [OpaquePointer: Int] = [:]
        for (index, fact) in facts.enumerated() {
            let tracker = bool("fact\(index)")
            trackers[tracker] = index
            Z3_solver_assert_and_track(context, solver, fact, tracker)
        }
        let result = Z3_solver_check(context, solver)
        if let error { return (.unknown("Z3 error: \(error)"), []) }
        switch result {
        case Z3_L_TRUE: return (.sat, [])
        case Z3_L_FALSE:
            guard let vector = Z3_solver_get_unsat_core(context, solver) else { return (.unknown("Z3 error: \(error ?? "no core")"), []) }
            Z3_ast_vector_inc_ref(context, vector)
            defer { Z3_ast_vector_dec_ref(context, vector) }
            var core: [Int] = []
            for n in 0..<Z3_ast_vector_size(context, vector) {
                guard let ast = Z3_ast_vector_get(context, vector, n) else { continue }
                let name = String(cString: Z3_ast_to_string(context, ast))
                if let index = Int(name.dropFirst("fact".count)) { core.append(index) }
            }
            return (.unsat, core.sorted())
        default:
            return (.unknown(String(cString: Z3_solver_get_reason_unknown(context, solver))), [])
        }
    }

    /// The value of `target` closest to `preferred` under `rules`, or nil when none satisfies them.
    func closest(_ target: Z3_ast, to preferred: Int, rules: [Z3_ast]) -> Int? {
        guard error == nil, let optimizer = Z3_mk_optimize(context) else { return nil }
        Z3_optimize_inc_ref(context, optimizer)
        defer { Z3_optimize_dec_ref(context, optimizer) }
        for rule in rules { Z3_optimize_assert(context, optimizer, rule) }
        let distance = int("distance")
        Z3_optimize_assert(context, optimizer, ge(distance, sub(target, const(preferred))))
        Z3_optimize_assert(context, optimizer, ge(distance, sub(const(preferred), target)))
        _ = Z3_optimize_minimize(context, optimizer, distance)
        guard Z3_optimize_check(context, optimizer, 0, nil) == Z3_L_TRUE, error == nil,
              let model = Z3_optimize_get_model(context, optimizer) else { return nil }
        Z3_model_inc_ref(context, model)
        defer { Z3_model_dec_ref(context, model) }
        var value: Z3_ast?
        guard Z3_model_eval(context, model, target, true, &value), let value else { return nil }
        var result: Int64 = 0
        guard Z3_get_numeral_int64(context, value, &result) else { return nil }
        return Int(result)
    }
}

/// Interrupts a Z3 context at its deadline unless disarmed first.
private final class Watchdog: @unchecked Sendable {
    private let lock = DispatchSemaphore(value: 1)
    private var context: Z3_context?

    init(context: Z3_context) { self.context = context }

    func fire() {
        lock.wait()
        defer { lock.signal() }
        if let context { Z3_interrupt(context) }
    }

    func disarm() {
        lock.wait()
        context = nil
        lock.signal()
    }
}
