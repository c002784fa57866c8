package dev.jaccel.nvml;

import dev.jaccel.testkit.FakeLibraries;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fake NVML for this module's tests. It reads {@code FAKE_NVML_CONFIG} (set by surefire) when
 * its init count goes from 0 to 1, so a test writes the config before it opens its first session
 * and closes every session it opens.
 */
final class FakeNvml {
    /**
     * Four GPUs: index 0 (minor 3) full of facts; index 1 (minor 0) with MIG and two MIG devices,
     * no serial; index 2 (minor 1) refuses NO_PERMISSION; index 3 (minor 2) is lost.
     */
    static final String FOUR_GPUS = """
            {"driverVersion": "580.95.05", "nvmlVersion": "13.580.95.05", "cudaDriverVersion": 13000,
             "init": "SUCCESS",
             "devices": [
              {"uuid": "GPU-00000000-0000-4000-8000-000000000000", "name": "NVIDIA H100 80GB HBM3",
               "brand": "NVIDIA", "architecture": "HOPPER", "computeCapability": "9.0",
               "pciBusId": "00000000:3B:00.0", "pciDeviceId": "0x233010DE", "pciSubSystemId": "0x16C110DE",
               "minor": 3, "memoryTotal": 85520809984, "memoryUsed": 1048576, "memoryReserved": 536870912,
               "serial": "1650924060001", "persistenceMode": true, "migMode": "disabled", "migDevices": [],
               "temperature": 35, "powerUsage": 70123, "powerLimit": 700000,
               "utilization": {"gpu": 40, "memory": 10}, "numaNode": 1,
               "processes": [{"pid": 100, "usedGpuMemory": 4096}, {"pid": 101}],
               "errors": {}},
              {"uuid": "GPU-11111111-1111-4111-8111-111111111111", "name": "NVIDIA A100-SXM4-40GB",
               "brand": "TESLA", "architecture": "AMPERE", "computeCapability": "8.0",
               "pciBusId": "0000:af:00.0", "pciDeviceId": "0x20B010DE", "minor": 0,
               "memoryTotal": 42949672960, "persistenceMode": false, "migMode": "enabled", "maxMigDeviceCount": 7,
               "migDevices": [
                 {"uuid": "MIG-aaaaaaaa-0000-5000-8000-000000000001", "name": "NVIDIA A100-SXM4-40GB MIG 3g.20gb",
                  "gpuInstanceId": 1, "computeInstanceId": 0, "memoryTotal": 20937965568, "memoryUsed": 4096},
                 {"uuid": "MIG-aaaaaaaa-0000-5000-8000-000000000002", "gpuInstanceId": 2, "computeInstanceId": 1,
                  "memoryTotal": 10200547328}],
               "processes": [{"pid": 200, "usedGpuMemory": 8192, "gpuInstanceId": 1, "computeInstanceId": 0},
                             {"pid": 201, "usedGpuMemory": 16384, "gpuInstanceId": 2, "computeInstanceId": 1}],
               "errors": {"nvmlDeviceGetSerial": "NOT_SUPPORTED"}},
              {"uuid": "GPU-22222222-2222-4222-8222-222222222222", "name": "NVIDIA H100 80GB HBM3",
               "pciBusId": "00000000:5D:00.0", "minor": 1, "migMode": "unsupported",
               "errors": {"nvmlDeviceGetHandleByIndex_v2": "NO_PERMISSION",
                          "nvmlDeviceGetHandleByPciBusId_v2": "NO_PERMISSION"}},
              {"uuid": "GPU-33333333-3333-4333-8333-333333333333", "name": "NVIDIA H100 80GB HBM3",
               "pciBusId": "00000000:DB:00.0", "minor": 2, "errors": {"*": "GPU_IS_LOST"}}
             ]}
            """;

    private FakeNvml() {
    }

    static Path configFile() {
        return Path.of(System.getenv("FAKE_NVML_CONFIG"));
    }

    static void configure(String json) {
        try {
            Files.createDirectories(configFile().getParent());
            Files.writeString(configFile(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static NvmlLibrary library() {
        return NvmlLibrary.load(FakeLibraries.nvml().toString());
    }
}
