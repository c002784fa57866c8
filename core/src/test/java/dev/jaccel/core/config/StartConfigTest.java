package dev.jaccel.core.config;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.plan.NeuronDeviceNames;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The container start's configuration: the TOML read once, then a cache while the file is unchanged. */
class StartConfigTest {
    @TempDir
    Path tmp;
    Path toml;
    Map<String, String> env;
    List<String> warnings = new ArrayList<>();

    @BeforeEach
    void files() throws IOException {
        toml = tmp.resolve("etc/config.toml");
        Files.createDirectories(toml.getParent());
        env = Map.of(JaccelConfig.ENV_CONFIG, toml.toString(), "JACCEL_SNAPSHOT", tmp.resolve("state/inventory.json").toString());
    }

    Path cache() {
        return tmp.resolve("state/" + StartConfig.CACHE_NAME);
    }

    @Test
    void noFileIsTheDefaultsAndWritesNothing() {
        Map<String, String> none = Map.of("JACCEL_SNAPSHOT", tmp.resolve("state/inventory.json").toString());
        // /etc/jaccel/config.toml is absent on build machines: the defaults, one stat
        if (!Files.exists(JaccelConfig.DEFAULT_PATH)) {
            assertEquals(JaccelConfig.DEFAULTS, StartConfig.load(none, warnings::add));
            assertFalse(Files.exists(cache()));
        }
    }

    @Test
    void theFileIsReadOnceThenTheCacheServesItUntilTheFileChanges() throws IOException {
        Files.writeString(toml, "disable-require = true\n[neuron]\ndevice-numbering = \"from-zero\"\n");
        JaccelConfig first = StartConfig.load(env, warnings::add);
        assertTrue(first.plan().disableRequire());
        assertEquals(NeuronDeviceNames.FROM_ZERO, first.plan().neuronDeviceNames());
        assertTrue(Files.exists(cache()), "the effective settings are cached");
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(cache())));

        // the cache answers (proved by a cache edited to say something else under the same identity)
        String json = Files.readString(cache());
        Files.writeString(cache(), json.replace("\"disable-require\":true", "\"disable-require\":false"));
        assertFalse(StartConfig.load(env, warnings::add).plan().disableRequire(), "served from the cache");

        // the file changes: read again, whatever the cache says
        Files.writeString(toml, "disable-require = true\nswarm-resource = \"DOCKER_RESOURCE_GPU\"\n");
        Files.setLastModifiedTime(toml, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        JaccelConfig changed = StartConfig.load(env, warnings::add);
        assertTrue(changed.plan().disableRequire());
        assertEquals(List.of("DOCKER_RESOURCE_GPU"), changed.plan().swarmResource());
        assertEquals(List.of(), warnings);
    }

    @Test
    void aCacheOthersCanWriteIsIgnored() throws Exception {
        Files.writeString(toml, "disable-require = true\n");
        StartConfig.load(env, warnings::add);
        Files.writeString(cache(), Files.readString(cache()).replace("\"disable-require\":true", "\"disable-require\":false"));
        assertEquals(0, new ProcessBuilder("chmod", "666", cache().toString()).start().waitFor());
        assertTrue(StartConfig.load(env, warnings::add).plan().disableRequire(), "the file, not the tampered cache");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("lets others write it"), warnings.get(0));
    }

    @Test
    void aBadFileIsExit2NamingIt() throws IOException {
        Files.writeString(toml, "disable-require = 7\n");
        JaccelException e = assertThrows(JaccelException.class, () -> StartConfig.load(env, warnings::add));
        assertEquals(2, e.exitCode().code());
        assertTrue(e.getMessage().contains(toml.toString()), e.getMessage());
    }

    @Test
    void aNamedFileThatIsMissingIsExit2() {
        JaccelException e = assertThrows(JaccelException.class, () -> StartConfig.load(env, warnings::add));
        assertEquals(2, e.exitCode().code());
    }
}
