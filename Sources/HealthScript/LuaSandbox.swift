internal import CLua
internal import Health
internal import MoorCore

/// One health script compiled in a Lua 5.1 state of its own, with the sandboxed globals, the memory and
/// instruction budget, and the conversion of objects to Lua tables. Not thread-safe: ``HealthScripts`` keeps
/// each behind a mutex.
final class LuaSandbox {
    /// The state; owned, closed in `deinit`.
    private let state: OpaquePointer
    /// The budget the state's allocator and count hook read; outlives the state.
    private let budget: UnsafeMutablePointer<moor_lua_budget>
    /// The registry reference of the compiled chunk.
    private let chunk: Int32
    /// The registry reference of the metatable of every run's environment (`__index` is the sandbox globals).
    private let environmentMetatable: Int32
    /// The bounds on each run.
    private let limits: HealthScriptLimits

    /// The globals removed after opening the libraries: everything that loads code, reaches the file system
    /// or the process, or changes environments or the collector. `os`, `io`, `debug` and `package` are
    /// never opened in the first place.
    private static let removedGlobals = [
        "dofile", "loadfile", "load", "loadstring", "require", "module", "collectgarbage", "gcinfo", "getfenv",
        "setfenv", "newproxy", "print", "coroutine",
    ]

    /// The deepest nesting of objects and arrays converted to Lua tables.
    private static let maximumDepth = 200

    /// The longest message kept from a script, in characters.
    private static let maximumMessage = 1024

    /// Compiles `script` in a new sandboxed state.
    ///
    /// - Throws: the message of the failure (Lua's syntax error, or the memory limit) when it does not compile.
    init(script: String, useOpenLibs: Bool, limits: HealthScriptLimits) throws(SandboxFailure) {
        let budget = UnsafeMutablePointer<moor_lua_budget>.allocate(capacity: 1)
        budget.initialize(to: moor_lua_budget(used: 0, limit: max(0, limits.memoryBytes), enforced: 0, exhausted: 0))
        guard let state = moor_lua_newstate(budget) else {
            budget.deallocate()
            throw SandboxFailure(message: "cannot create a Lua state (out of memory)")
        }
        moor_lua_open(state, luaopen_base, "")
        moor_lua_open(state, luaopen_table, LUA_TABLIBNAME)
        if useOpenLibs {
            moor_lua_open(state, luaopen_string, LUA_STRLIBNAME)
            moor_lua_open(state, luaopen_math, LUA_MATHLIBNAME)
            moor_lua_remove_field(state, LUA_STRLIBNAME, "dump")
        }
        for name in Self.removedGlobals { moor_lua_remove_global(state, name) }

        lua_createtable(state, 0, 1)
        lua_pushstring(state, "__index")
        lua_pushvalue(state, LUA_GLOBALSINDEX)
        lua_rawset(state, -3)
        let environmentMetatable = luaL_ref(state, LUA_REGISTRYINDEX)

        budget.pointee.enforced = 1
        var source = script
        let status = source.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                luaL_loadbuffer(state, chars.baseAddress, chars.count, "=health.lua")
            }
        }
        budget.pointee.enforced = 0
        guard status == 0 else {
            let message =
                status == LUA_ERRMEM
                ? "the script is too large for the memory limit of \(limits.memoryBytes) bytes"
                : Self.string(state, at: -1) ?? "unknown compile error"
            lua_close(state)
            budget.deallocate()
            throw SandboxFailure(message: message)
        }
        self.chunk = luaL_ref(state, LUA_REGISTRYINDEX)
        self.state = state
        self.budget = budget
        self.environmentMetatable = environmentMetatable
        self.limits = limits
    }

    deinit {
        lua_close(state)
        budget.deallocate()
    }

    /// Runs the script on `object` in a fresh environment (globals the script sets do not reach the next
    /// run) and reads its verdict; every failure is an ``Health/HealthStatus/unknown`` health.
    func assess(_ object: JSONValue) -> ObjectHealth {
        defer {
            budget.pointee.enforced = 0
            lua_sethook(state, nil, 0, 0)
            lua_settop(state, 0)
            // The last runs' garbage counts against the limit until collected: keep it from crowding out
            // the next object.
            if budget.pointee.used > budget.pointee.limit / 4 { lua_gc(state, LUA_GCCOLLECT, 0) }
        }
        lua_settop(state, 0)
        lua_rawgeti(state, LUA_REGISTRYINDEX, chunk)
        lua_createtable(state, 0, 4)
        lua_rawgeti(state, LUA_REGISTRYINDEX, environmentMetatable)
        lua_setmetatable(state, -2)
        lua_pushstring(state, "_G")
        lua_pushvalue(state, -2)
        lua_rawset(state, -3)
        lua_pushstring(state, "obj")
        guard push(object, depth: 0) else {
            return failure("the object nests deeper than \(Self.maximumDepth) levels")
        }
        lua_rawset(state, -3)
        lua_setfenv(state, -2)
        guard budget.pointee.used <= budget.pointee.limit else {
            return failure("the object does not fit in the memory limit of \(limits.memoryBytes) bytes")
        }

        budget.pointee.enforced = 1
        moor_lua_arm(state, Int32(clamping: max(1, limits.instructions)))
        let status = lua_pcall(state, 0, 1, 0)
        budget.pointee.enforced = 0
        lua_sethook(state, nil, 0, 0)

        if budget.pointee.exhausted != 0 {
            return failure("the script exceeded the limit of \(limits.instructions) instructions")
        }
        if status == LUA_ERRMEM {
            return failure("the script exceeded the memory limit of \(limits.memoryBytes) bytes")
        }
        if status != 0 {
            let message = Self.string(state, at: -1) ?? "an error that is not a string"
            return failure("the script failed: \(Self.shortened(message))")
        }
        return verdict()
    }

    /// The health the script's return value (on top of the stack) states.
    private func verdict() -> ObjectHealth {
        guard lua_type(state, -1) == LUA_TTABLE else {
            let type = String(cString: lua_typename(state, lua_type(state, -1)))
            return unknown("the health script returned \(type), expected a table with status and message")
        }
        lua_pushstring(state, "status")
        lua_rawget(state, -2)
        guard lua_type(state, -1) == LUA_TSTRING, let text = Self.string(state, at: -1) else {
            return unknown("the health script returned no status string")
        }
        guard let status = HealthStatus(rawValue: text) else {
            let statuses = HealthStatus.allCases.map(\.rawValue).joined(separator: ", ")
            return unknown(
                "the health script returned status \(Self.shortened(text).debugDescription), expected one of \(statuses)"
            )
        }
        moor_lua_pop(state, 1)
        lua_pushstring(state, "message")
        lua_rawget(state, -2)
        switch lua_type(state, -1) {
        case LUA_TNIL:
            return ObjectHealth(status: status)
        case LUA_TSTRING, LUA_TNUMBER:
            return ObjectHealth(status: status, message: Self.shortened(Self.string(state, at: -1) ?? ""))
        default:
            return unknown("the health script returned a message that is not a string")
        }
    }

    /// An unknown health with `message`.
    private func unknown(_ message: String) -> ObjectHealth { ObjectHealth(status: .unknown, message: message) }

    /// An unknown health after a failed run; frees the failed run's garbage.
    private func failure(_ message: String) -> ObjectHealth {
        lua_settop(state, 0)
        lua_gc(state, LUA_GCCOLLECT, 0)
        return unknown("health script: \(message)")
    }

    /// Pushes `value` as Lua values: objects as tables with string keys, arrays as sequences from 1, `null`
    /// as `nil`, numbers as numbers. `false` when it nests too deeply (the stack is then left as it is).
    private func push(_ value: JSONValue, depth: Int) -> Bool {
        guard depth < Self.maximumDepth, lua_checkstack(state, 3) != 0 else { return false }
        switch value {
        case .null:
            lua_pushnil(state)
        case .bool(let flag):
            lua_pushboolean(state, flag ? 1 : 0)
        case .int(let number):
            lua_pushnumber(state, Double(number))
        case .double(let number):
            lua_pushnumber(state, number)
        case .string(let text):
            push(text)
        case .array(let elements):
            lua_createtable(state, Int32(clamping: elements.count), 0)
            for (index, element) in elements.enumerated() {
                guard push(element, depth: depth + 1) else { return false }
                lua_rawseti(state, -2, Int32(clamping: index + 1))
            }
        case .object(let members):
            lua_createtable(state, 0, Int32(clamping: members.count))
            for (key, member) in members where !member.isNull {
                push(key)
                guard push(member, depth: depth + 1) else { return false }
                lua_rawset(state, -3)
            }
        }
        return true
    }

    /// Pushes a string as its UTF-8 bytes.
    private func push(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { lua_pushlstring(state, $0.baseAddress, $0.count) }
        }
    }

    /// The string (or number, as text) at `index`, decoded as UTF-8 with replacement characters.
    private static func string(_ state: OpaquePointer, at index: Int32) -> String? {
        var length = 0
        guard let chars = lua_tolstring(state, index, &length) else { return nil }
        return chars.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    /// `text` cut to ``maximumMessage`` characters.
    private static func shortened(_ text: String) -> String {
        text.count > maximumMessage ? String(text.prefix(maximumMessage)) + "…" : text
    }
}

/// Why a script could not be compiled: Lua's message.
struct SandboxFailure: Error {
    /// Lua's message, e.g. `health.lua:3: 'end' expected near '<eof>'`.
    let message: String
}
