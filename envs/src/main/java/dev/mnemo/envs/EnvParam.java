package dev.mnemo.envs;

/**
 * One parameter of a registry id.
 *
 * @param name as written in the id's query, e.g. {@code length} in {@code tmaze?length=50}
 * @param defaultValue the value used when the id omits it, as text
 * @param description what it controls and its valid range
 */
public record EnvParam(String name, String defaultValue, String description) {}
