public import Health
public import MoorCore
internal import Synchronization

/// Compiled Lua health checks, ready to assess live objects: each customization's script is compiled once,
/// in a sandboxed Lua 5.1 state of its own, and reused for every object it applies to.
///
/// **The sandbox.** A script sees the object as the global `obj` (objects as tables with string keys,
/// arrays as sequences from 1, `null` as `nil`, numbers as Lua numbers) and Lua's base functions without
/// the ones that load code or touch the process (`dofile`, `loadfile`, `load`, `loadstring`, `require`,
/// `module`, `collectgarbage`, `gcinfo`, `getfenv`, `setfenv`, `newproxy`, `print`, `coroutine`), plus
/// the `table` library. With `useOpenLibs` it also gets `string` (without `string.dump`) and `math`. It
/// never gets `os`, `io`, `debug` or `package`, whatever `useOpenLibs` says. Each run has fresh globals.
///
/// **Limits.** Each run is bounded by ``HealthScriptLimits``: an instruction count (a Lua count hook) and
/// the memory of the script's state (a counting allocator that refuses growth past the limit).
///
/// **Thread safety.** A Lua state is not thread-safe, so each script's state is behind a mutex: objects
/// of one kind are assessed one at a time, objects of different kinds in parallel.
public struct HealthScripts: CustomHealthChecks {
    /// The customizations that were left out, and why: those ``HealthCustomizations`` could not read, then
    /// the scripts that do not compile (whose kinds assess as ``Health/HealthStatus/unknown``).
    public let problems: [HealthCustomizationError]
    /// The checks without wildcards, by group and kind.
    private let exact: [GroupKind: HealthCheck]
    /// The checks with wildcards, in precedence order.
    private let wildcards: [HealthCheck]

    /// Compiles every customization's script. A script that does not compile is reported in ``problems``;
    /// objects it applies to assess as ``Health/HealthStatus/unknown`` with the compiler's message, so a
    /// broken check is noticed rather than silently replaced by the built-in rule.
    public init(_ customizations: HealthCustomizations, limits: HealthScriptLimits = .default) {
        var problems = customizations.problems
        var exact: [GroupKind: HealthCheck] = [:]
        var wildcards: [HealthCheck] = []
        for rule in customizations.rules {
            let check = HealthCheck(rule, limits: limits)
            if case .broken(let error) = check.outcome { problems.append(error) }
            if rule.pattern.isExact {
                exact[GroupKind(group: rule.pattern.group, kind: rule.pattern.kind)] = check
            } else {
                wildcards.append(check)
            }
        }
        self.problems = problems
        self.exact = exact
        self.wildcards = wildcards
    }

    /// The customization that applies to objects of `group` and `kind`: the one without wildcards for them,
    /// else the first matching wildcard one in precedence order; `nil` when none applies.
    public func customization(group: String, kind: String) -> HealthCustomization? {
        check(group: group, kind: kind)?.rule
    }

    /// The health a Lua check gives `object`, or `nil` when no customization applies to its group (from
    /// `apiVersion`) and kind.
    ///
    /// Never throws, crashes or hangs on a script's account: a script that fails, exceeds a limit, returns
    /// something other than a table, or returns a status other than `Healthy`, `Progressing`, `Degraded`,
    /// `Suspended`, `Missing` or `Unknown` gives ``Health/HealthStatus/unknown`` with a message saying so.
    /// A missing `message` is empty; messages are cut to 1,024 characters. ``Health/ObjectHealth/decidedBy``
    /// is ``Health/HealthSource/script(key:)`` with the customization's key.
    public func assess(_ object: JSONValue) -> ObjectHealth? {
        guard !exact.isEmpty || !wildcards.isEmpty else { return nil }
        let (group, _) = ObjectRef.split(apiVersion: object["apiVersion"]?.stringValue ?? "")
        guard let check = check(group: group, kind: object["kind"]?.stringValue ?? "") else { return nil }
        var health: ObjectHealth
        switch check.outcome {
        case .compiled(let sandbox):
            health = sandbox.assess(object)
        case .broken(let error):
            health = ObjectHealth(status: .unknown, message: error.message)
        }
        health.decidedBy = .script(key: check.rule.key)
        return health
    }

    /// The check for `group` and `kind`.
    private func check(group: String, kind: String) -> HealthCheck? {
        exact[GroupKind(group: group, kind: kind)]
            ?? wildcards.first { $0.rule.pattern.matches(group: group, kind: kind) }
    }
}

/// An API group and kind, as a dictionary key.
struct GroupKind: Hashable, Sendable {
    /// The group; `""` for the core group.
    let group: String
    /// The kind.
    let kind: String
}

/// One customization and its compiled script, or why it did not compile.
final class HealthCheck: Sendable {
    /// What compiling the script gave.
    enum Outcome: Sendable {
        /// The script's sandbox, behind its lock.
        case compiled(LockedSandbox)
        /// The script does not compile.
        case broken(HealthCustomizationError)
    }

    /// The customization.
    let rule: HealthCustomization
    /// The compiled script, or the error.
    let outcome: Outcome

    /// Compiles the rule's script.
    init(_ rule: HealthCustomization, limits: HealthScriptLimits) {
        self.rule = rule
        do throws(SandboxFailure) {
            let sandbox = try LuaSandbox(script: rule.script, useOpenLibs: rule.useOpenLibs, limits: limits)
            outcome = .compiled(LockedSandbox(sandbox))
        } catch {
            outcome = .broken(
                HealthCustomizationError(
                    .compile, key: rule.key, "the health script does not compile: \(error.message); fix the script"))
        }
    }
}

/// A sandbox behind a mutex: one run at a time.
final class LockedSandbox: Sendable {
    /// The sandbox.
    private let sandbox: Mutex<LuaSandbox>

    /// Takes `sandbox` over.
    init(_ sandbox: sending LuaSandbox) {
        self.sandbox = Mutex(sandbox)
    }

    /// ``LuaSandbox/assess(_:)`` under the lock.
    func assess(_ object: JSONValue) -> ObjectHealth {
        sandbox.withLock { $0.assess(object) }
    }
}
