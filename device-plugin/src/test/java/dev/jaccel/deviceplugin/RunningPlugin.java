package dev.jaccel.deviceplugin;

/** A prepared plugin serving on a thread of the test JVM until closed. */
final class RunningPlugin implements AutoCloseable {
    final DevicePlugin plugin;
    private final Thread thread;

    private RunningPlugin(DevicePlugin plugin) {
        this.plugin = plugin;
        this.thread = Thread.ofPlatform().name("plugin-under-test").start(() -> {
            try {
                plugin.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static RunningPlugin start(DevicePlugin plugin) {
        return new RunningPlugin(plugin);
    }

    @Override
    public void close() throws InterruptedException {
        plugin.close();
        thread.join(5000);
    }
}
