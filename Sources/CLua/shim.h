#ifndef MOOR_CLUA_SHIM_H
#define MOOR_CLUA_SHIM_H

#include <lua5.1/lua.h>
#include <lua5.1/lauxlib.h>
#include <lua5.1/lualib.h>
#include <stdlib.h>

/// The memory and instruction budget of one Lua state. Lives as long as the state; the allocator and the
/// count hook read it. Written in C because both run inside Lua, and a Lua error raised from a Swift
/// callback would `longjmp` across Swift frames.
typedef struct moor_lua_budget {
    /// Bytes the state holds now.
    size_t used;
    /// The most `used` may grow to while `enforced` is set.
    size_t limit;
    /// Whether growth past `limit` fails (a Lua memory error); off while the host builds values.
    int enforced;
    /// Set by the count hook once the instruction limit was reached.
    int exhausted;
} moor_lua_budget;

/// A `lua_Alloc` that counts bytes and refuses growth past the budget's limit when enforced. Shrinking
/// never fails, as Lua requires.
static void *moor_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    moor_lua_budget *budget = (moor_lua_budget *)ud;
    if (nsize == 0) {
        free(ptr);
        budget->used -= osize;
        return NULL;
    }
    if (nsize > osize && budget->enforced && budget->used - osize + nsize > budget->limit) {
        return NULL;
    }
    void *block = realloc(ptr, nsize);
    if (block != NULL) {
        budget->used = budget->used - osize + nsize;
    }
    return block;
}

/// A count hook that raises an error once the instruction limit is reached, and on every instruction after
/// that, so a script that catches the error with `pcall` cannot keep running.
static void moor_lua_count_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    void *ud = NULL;
    lua_getallocf(L, &ud);
    ((moor_lua_budget *)ud)->exhausted = 1;
    lua_sethook(L, moor_lua_count_hook, LUA_MASKCOUNT, 1);
    luaL_error(L, "instruction limit exceeded");
}

/// A new state whose allocations are counted against `budget` (not enforced until the caller says so).
static inline lua_State *moor_lua_newstate(moor_lua_budget *budget) {
    return lua_newstate(moor_lua_alloc, budget);
}

/// Arms the instruction limit for the next call: the hook fires after `instructions` VM instructions.
static inline void moor_lua_arm(lua_State *L, int instructions) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    ((moor_lua_budget *)ud)->exhausted = 0;
    lua_sethook(L, moor_lua_count_hook, LUA_MASKCOUNT, instructions);
}

/// Opens one standard library the way Lua 5.1 requires (through a call) and pops what it leaves.
static inline void moor_lua_open(lua_State *L, lua_CFunction open, const char *name) {
    lua_pushcfunction(L, open);
    lua_pushstring(L, name);
    lua_call(L, 1, 0);
}

/// Removes a global (sets it to nil).
static inline void moor_lua_remove_global(lua_State *L, const char *name) {
    lua_pushnil(L);
    lua_setfield(L, LUA_GLOBALSINDEX, name);
}

/// Removes a field of a global table, when that table exists.
static inline void moor_lua_remove_field(lua_State *L, const char *table, const char *name) {
    lua_getfield(L, LUA_GLOBALSINDEX, table);
    if (lua_istable(L, -1)) {
        lua_pushnil(L);
        lua_setfield(L, -2, name);
    }
    lua_pop(L, 1);
}

/// `lua_pop`, a macro Swift cannot call.
static inline void moor_lua_pop(lua_State *L, int n) { lua_pop(L, n); }

#endif
