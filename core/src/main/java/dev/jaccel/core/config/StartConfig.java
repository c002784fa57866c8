package dev.jaccel.core.config;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.jaccel.core.io.AtomicFiles;
import dev.jaccel.core.io.TrustedFiles;
import dev.jaccel.core.json.JacksonStreams;
import dev.jaccel.core.json.JsonTree;
import dev.jaccel.core.snapshot.InventorySnapshot;
import dev.jaccel.core.spi.HostContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The configuration of a container start, without TOML on the hot path. Reading
 * {@code config.toml} loads jackson-dataformat-toml and databind: 110-135 ms in a fresh JVM even with
 * an AOT cache. So the effective configuration is cached as JSON in {@value #CACHE_NAME}, beside the
 * inventory snapshot ({@code JACCEL_SNAPSHOT}'s folder, else {@code /var/lib/jaccel}), under the
 * identity of the file it came from (path, size, modification time, inode). A start with no config
 * file costs one {@code stat}; with one, a {@code stat} and a small JSON read while the file is
 * unchanged. When it changed, the start reads the TOML (the slow way, once) and rewrites the cache.
 * The cache decides what containers get, so it is trusted like the snapshot (root-owned, writable
 * by nobody else) and ignored otherwise.
 */
public final class StartConfig {
    static final String CACHE_NAME = "config-cache.json";

    private StartConfig() {
    }

    /** The effective configuration for a container start ({@link JaccelConfig#load(Map)}'s rules). */
    public static JaccelConfig load(Map<String, String> env, Consumer<String> warnings) {
        String named = env.get(JaccelConfig.ENV_CONFIG);
        Path file = named != null && !named.isBlank() ? Path.of(named) : JaccelConfig.DEFAULT_PATH;
        String identity;
        try {
            Map<String, Object> a = Files.readAttributes(file, "unix:size,lastModifiedTime,ino,ctime");
            identity = file.toAbsolutePath() + "|" + a.get("size") + "|" + a.get("lastModifiedTime") + "|" + a.get("ino")
                    + "|" + a.get("ctime");
        } catch (NoSuchFileException e) {
            return named != null && !named.isBlank() ? JaccelConfig.load(env) : JaccelConfig.DEFAULTS;   // its error
        } catch (IOException e) {
            return JaccelConfig.load(env);   // unreadable: the TOML reader says why
        }
        Path cache = cachePath(env);
        Optional<JaccelConfig> cached = read(cache, identity, file, warnings);
        if (cached.isPresent()) {
            return cached.get();
        }
        JaccelConfig config = JaccelConfig.load(env);
        write(cache, identity, config);
        return config;
    }

    /** The host a container start reads: flags do not exist here, so environment, then the file. */
    public static HostContext host(JaccelConfig config, Map<String, String> env) {
        return config.host().resolve(env, null, null, null);
    }

    static Path cachePath(Map<String, String> env) {
        Path snapshot = InventorySnapshot.defaultPath(env).toAbsolutePath();
        return snapshot.resolveSibling(CACHE_NAME);
    }

    static Optional<JaccelConfig> read(Path cache, String identity, Path file, Consumer<String> warnings) {
        try {
            TrustedFiles.checkOwnerAndMode(cache);
            if (!(JsonTree.read(Files.readAllBytes(cache)) instanceof Map<?, ?> tree)
                    || !identity.equals(tree.get("source")) || !(tree.get("settings") instanceof Map<?, ?> settings)) {
                return Optional.empty();
            }
            ConfigKey.Builder values = new ConfigKey.Builder(JaccelConfig.DEFAULTS);
            for (ConfigKey k : ConfigKey.values()) {
                Object v = settings.get(k.table().isEmpty() ? k.keyName() : k.table() + "." + k.keyName());
                if (v != null) {
                    k.set(values, v);
                }
            }
            return Optional.of(values.build(Optional.of(file)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            warnings.accept("ignoring the configuration cache " + cache + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Best effort: a start that cannot write the cache (not root, read-only folder) still works. */
    static void write(Path cache, String identity, JaccelConfig config) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
            try (JsonGenerator g = JacksonStreams.FACTORY.createGenerator(bytes)) {
                g.writeStartObject();
                g.writeStringField("source", identity);
                g.writeObjectFieldStart("settings");
                for (ConfigKey k : ConfigKey.values()) {
                    g.writeFieldName(k.table().isEmpty() ? k.keyName() : k.table() + "." + k.keyName());
                    Object v = k.valueIn(config);
                    if (v instanceof Boolean b) {
                        g.writeBoolean(b);
                    } else if (v instanceof List<?> list) {
                        g.writeStartArray();
                        for (Object item : list) {
                            g.writeString(String.valueOf(item));
                        }
                        g.writeEndArray();
                    } else {
                        g.writeString(String.valueOf(v));
                    }
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            AtomicFiles.createDirectories(cache.getParent());
            AtomicFiles.write(cache, bytes.toByteArray(), AtomicFiles.FILE_MODE);
        } catch (IOException | RuntimeException e) {
            // the next start reads the TOML again
        }
    }
}
