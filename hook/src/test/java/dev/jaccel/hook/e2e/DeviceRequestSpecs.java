package dev.jaccel.hook.e2e;

import org.junit.jupiter.params.provider.CsvSource;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Specs and whether bin/jaccel's no-JVM test ({@code may_request_devices}) must hand them to the JVM,
 * read by each caller of that test: the launcher's hook path ({@code LauncherEndToEndTest}) and the
 * runtime shim's native front ({@code RuntimeFrontEndToEndTest}). {@code LauncherEndToEndTest} also
 * checks the table against the planner: where it may see a request, the JVM must run.
 *
 * <p>Columns: a name | the spec's {@code process.env} entries ({@code -}: none; {@code annotation}: a
 * CDI annotation; {@code mount}: a nvidia-container-devices mount), see {@link Spec#config} | JVM?
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@CsvSource(delimiter = '|', value = {
        "nothing | - | false",
        "unrelated env | \"HOME=/root\" | false",
        "Go-escaped HTML characters | \"GREETING=\\u003cb\\u003e \\u0026\" | false",
        "NVIDIA_VISIBLE_DEVICES=all | \"NVIDIA_VISIBLE_DEVICES=all\" | true",
        "NVIDIA_VISIBLE_DEVICES=void | \"NVIDIA_VISIBLE_DEVICES=void\" | false",
        "void in a legacy CUDA image | \"CUDA_VERSION=12.4.1\",\"NVIDIA_VISIBLE_DEVICES=void\" | false",
        "NVIDIA_VISIBLE_DEVICES empty | \"NVIDIA_VISIBLE_DEVICES=\" | false",
        "none: no GPU but the driver's files | \"NVIDIA_VISIBLE_DEVICES=none\" | true",
        "void, then all (the last one counts) | \"NVIDIA_VISIBLE_DEVICES=void\",\"NVIDIA_VISIBLE_DEVICES=all\" | true",
        "void, and Neuron devices | \"NVIDIA_VISIBLE_DEVICES=void\",\"AWS_NEURON_VISIBLE_DEVICES=0\" | true",
        "legacy CUDA image | \"CUDA_VERSION=12.4.1\" | true",
        "Neuron devices | \"AWS_NEURON_VISIBLE_DEVICES=0\" | true",
        "Neuron cores | \"NEURON_RT_VISIBLE_CORES=0-1\" | true",
        "escaped selector name | \"NVIDIA\\u005fVISIBLE_DEVICES=all\" | true",
        // a text test: the quoted void hides the name inside it, not the name elsewhere (the JVM decides)
        "void, and the name in another value | \"NVIDIA_VISIBLE_DEVICES=void\",\"X=NVIDIA_VISIBLE_DEVICES\" | true",
        "CDI annotation | annotation | true",
        "device mount | mount | true"})
@interface DeviceRequestSpecs {
    /** The table's second column as a config.json. */
    final class Spec {
        private Spec() {
        }

        static String config(String envEntry) {
            String extra = switch (envEntry == null ? "-" : envEntry) {
                case "annotation" -> "\"env\":[],\"x\":0},\"annotations\":{\"cdi.k8s.io/gpu\":\"nvidia.com/gpu=0\"}";
                case "mount" -> "\"env\":[],\"x\":0},\"mounts\":[{\"source\":\"/dev/null\","
                        + "\"destination\":\"/var/run/nvidia-container-devices/GPU-0\"}]";
                case "-" -> "\"env\":[]}";
                default -> "\"env\":[" + envEntry + "]}";
            };
            return "{\"ociVersion\":\"1.0.2\",\"process\":{" + extra + ",\"root\":{\"path\":\"rootfs\"}}";
        }
    }
}
