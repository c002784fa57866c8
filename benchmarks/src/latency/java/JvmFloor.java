import java.io.IOException;

/**
 * The JVM floor of scripts/latency.sh: what any Java OCI hook pays before doing anything. It reads
 * the container state from stdin to EOF, as a hook must, and exits 0. The script compiles it into
 * its own jar and runs it with bin/jaccel's JVM flags and its own AOT cache, so the gap between this
 * and {@code bin/jaccel hook} is jaccel's own work.
 */
public final class JvmFloor {
    public static void main(String[] args) throws IOException {
        byte[] state = System.in.readAllBytes();
        if (state.length == 0) {
            System.err.println("JvmFloor: no container state on stdin");
            System.exit(2);
        }
        // ends the way bin/jaccel's hook and runtime commands end (dev.jaccel.hook.Main), so the
        // floor stays the least any Java hook pays
        Runtime.getRuntime().halt(0);
    }
}
