package dev.jaccel.deviceplugin;

import dev.jaccel.core.plan.PlanConfig;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.deviceplugin.resources.DeviceListStrategy;
import dev.jaccel.deviceplugin.resources.MigStrategy;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How {@code jaccel device-plugin} runs.
 *
 * @param pluginDir      the kubelet's device plugin directory (its {@code kubelet.sock} and ours)
 * @param migStrategy    how MIG devices are advertised
 * @param listStrategy   how Allocate names the devices
 * @param cdiDir         where the CDI specs of {@code cdi-cri} live
 * @param healthDir      where unhealthy marks are kept
 * @param healthInterval how often device presence is checked
 * @param readyFile      exists while every resource is registered with the kubelet; {@code null}: none
 * @param plan           the planner's settings (from jaccel's configuration file)
 * @param host           libraries and host root
 */
public record PluginOptions(Path pluginDir, MigStrategy migStrategy, DeviceListStrategy listStrategy, Path cdiDir,
                            Path healthDir, Duration healthInterval, Path readyFile, PlanConfig plan, HostContext host) {
    public static final Path DEFAULT_PLUGIN_DIR = Path.of("/var/lib/kubelet/device-plugins");
    public static final Path DEFAULT_CDI_DIR = Path.of("/etc/cdi");
    public static final Path DEFAULT_HEALTH_DIR = Path.of("/run/jaccel/device-plugin/unhealthy");
    public static final Path DEFAULT_READY_FILE = Path.of("/run/jaccel/device-plugin/registered");
    public static final String KUBELET_SOCKET = "kubelet.sock";
    /** The API version this plugin speaks (k8s.io/kubelet {@code pkg/apis/deviceplugin/v1beta1/constants.go}). */
    public static final String API_VERSION = "v1beta1";
}
