package dev.jaccel.hook.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request to the start service, as its client (hook/src/main/c/start_service.c) sends it:
 * NUL-terminated UTF-8 fields, then the command's standard input up to the end of the stream
 * (docs/design.md, "The start service"):
 * <pre>
 * jaccel-start-1 \0 MNT-NS \0 PID-NS \0 CWD \0 N \0 (KEY=VALUE \0){N} M \0 (ARG \0){M} INPUT...
 * </pre>
 *
 * @param mountNamespace the client's {@code /proc/self/ns/mnt} link, e.g. {@code mnt:[4026531841]}
 * @param pidNamespace   the client's {@code /proc/self/ns/pid} link
 * @param cwd            the client's working directory (absolute)
 * @param env            the client's jaccel variables ({@link StartService#HOST_KEYS}, {@code JACCEL_DEBUG})
 * @param args           the jaccel command line, e.g. {@code hook prestart} or {@code runtime create ...}
 * @param input          the command's standard input (a hook's state)
 */
public record StartRequest(String mountNamespace, String pidNamespace, Path cwd, Map<String, String> env,
                           List<String> args, byte[] input) {
    static final String VERSION = "jaccel-start-1";
    /** A request holds a command line and a hook's state (a few KiB): more is not one. */
    static final int MAX_BYTES = 1 << 20;
    private static final int MAX_ENTRIES = 4096;

    public StartRequest {
        env = Map.copyOf(env);
        args = List.copyOf(args);
    }

    /** Reads a whole request up to the end of the stream; {@link Malformed} names what is wrong. */
    static StartRequest read(InputStream in) throws IOException {
        byte[] all = in.readNBytes(MAX_BYTES + 1);
        if (all.length > MAX_BYTES) {
            throw new Malformed("larger than " + MAX_BYTES + " bytes");
        }
        return parse(all);
    }

    static StartRequest parse(byte[] bytes) {
        Fields f = new Fields(bytes);
        String version = f.next("version");
        if (!version.equals(VERSION)) {
            throw new Malformed("version '" + version + "', this service speaks " + VERSION);
        }
        String mnt = f.next("mount namespace");
        String pid = f.next("pid namespace");
        String cwdText = f.next("working directory");
        Path cwd;
        try {
            cwd = Path.of(cwdText);
        } catch (InvalidPathException e) {
            throw new Malformed("working directory is not a path");
        }
        if (!cwd.isAbsolute()) {
            throw new Malformed("working directory '" + cwdText + "' is not absolute");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0, n = f.count("variables"); i < n; i++) {
            String entry = f.next("variable");
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new Malformed("variable '" + entry + "' is not KEY=VALUE");
            }
            env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        List<String> args = new ArrayList<>();
        for (int i = 0, n = f.count("arguments"); i < n; i++) {
            args.add(f.next("argument"));
        }
        return new StartRequest(mnt, pid, cwd, env, args, f.rest());
    }

    /** This request as a client sends it ({@link #parse} reads it back): for clients written in Java. */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + input.length);
        List<String> fields = new ArrayList<>(List.of(VERSION, mountNamespace, pidNamespace, cwd.toString(),
                Integer.toString(env.size())));
        env.forEach((k, v) -> fields.add(k + "=" + v));
        fields.add(Integer.toString(args.size()));
        fields.addAll(args);
        for (String f : fields) {
            out.writeBytes(f.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        out.writeBytes(input);
        return out.toByteArray();
    }

    /** A request this service cannot read: it is declined, and the client runs jaccel's JVM instead. */
    static final class Malformed extends RuntimeException {
        Malformed(String why) {
            super(why);
        }
    }

    private static final class Fields {
        private final byte[] bytes;
        private int at;

        Fields(byte[] bytes) {
            this.bytes = bytes;
        }

        String next(String what) {
            for (int i = at; i < bytes.length; i++) {
                if (bytes[i] == 0) {
                    String s = new String(bytes, at, i - at, StandardCharsets.UTF_8);
                    at = i + 1;
                    return s;
                }
            }
            throw new Malformed("the " + what + " field is missing or not NUL-terminated");
        }

        int count(String what) {
            String s = next("count of " + what);
            try {
                int n = Integer.parseInt(s);
                if (n >= 0 && n <= MAX_ENTRIES) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new Malformed("count of " + what + " '" + s + "' is not a number from 0 to " + MAX_ENTRIES);
        }

        byte[] rest() {
            return Arrays.copyOfRange(bytes, at, bytes.length);
        }
    }
}
