package dev.jaccel.core.json;

import dev.jaccel.core.model.DeviceNode;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.MigDevice;
import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.core.model.NeuronInventory;
import dev.jaccel.core.model.NvLinkPeer;
import dev.jaccel.core.model.NvidiaInventory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InventoryJsonTest {
    static final Inventory SAMPLE = new Inventory(
            new NvidiaInventory("580.95.05", "13.580.95.05", "13.0", "580.95.05",
                    List.of(new GpuDevice(0, "GPU-5c2bd5a8-7a0e-4b5c-9d34-0b3c6f3f1a01", "NVIDIA H100 80GB HBM3",
                            "NVIDIA", "HOPPER", "9.0", 3, "00000000:18:00.0", 85520809984L, true,
                            List.of(new MigDevice(0, "MIG-0f7c8e4e-52a6-5d43-8b8a-3a4c1d2e9f10", 1, 0, 10200547328L,
                                    List.of(DeviceNode.of("/dev/nvidia-caps/nvidia-cap30", 508, 30)))),
                            List.of(new DeviceNode("/dev/nvidia3", "/host/dev/nvidia3", 195, 3)))),
                    List.of(DeviceNode.of("/dev/nvidiactl", 195, 255))),
            new NeuronInventory("2.28.4.0", null,
                    List.of(new NeuronDevice(0, 2, 2, List.of(0, 1), List.of(1, 3), "NCv2", "trn1.32xlarge",
                            "Trainium", null, DeviceNode.of("/dev/neuron0", 240, 0))),
                    List.of("serial_number unreadable")),
            List.of());

    @Test
    void roundTripKeepsEveryField() throws IOException {
        assertEquals(SAMPLE, InventoryJson.read(InventoryJson.toJson(SAMPLE, true)));
        assertEquals(SAMPLE, InventoryJson.read(InventoryJson.toJson(SAMPLE, false)));
    }

    static final Inventory WITH_TOPOLOGY = new Inventory(
            new NvidiaInventory("580.95.05", "13.580.95.05", "13.0", "580.95.05",
                    List.of(new GpuDevice(0, "GPU-a", "NVIDIA H100 80GB HBM3", "NVIDIA", "HOPPER", "9.0", 3,
                                    "00000000:18:00.0", 85520809984L, true,
                                    List.of(new MigDevice(0, "MIG-a", 1, 0, 10200547328L, List.of(), "1g.10gb")),
                                    List.of(), 1, List.of(new NvLinkPeer("GPU-b", "00000000:2A:00.0", 4))),
                            new GpuDevice(1, "GPU-b", "NVIDIA H100 80GB HBM3", "NVIDIA", "HOPPER", "9.0", 0,
                                    "00000000:2A:00.0", 85520809984L, false, List.of(), List.of(), 0, List.of())),
                    List.of()),
            null, List.of());

    @Test
    void topologyFactsAndTheMigProfileRoundTrip() throws IOException {
        assertEquals(WITH_TOPOLOGY, InventoryJson.read(InventoryJson.toJson(WITH_TOPOLOGY, false)));
        String json = InventoryJson.toJson(WITH_TOPOLOGY, false);
        assertTrue(json.contains("\"numaNode\":1,\"nvLinkPeers\":[{\"uuid\":\"GPU-b\",\"pciBusId\":\"00000000:2A:00.0\",\"links\":4}]"),
                json);
        assertTrue(json.contains("\"profile\":\"1g.10gb\""), json);
        assertTrue(json.contains("\"numaNode\":0,\"nvLinkPeers\":[]"), json);
    }

    @Test
    void unknownTopologyIsWrittenAsNull() {
        String json = InventoryJson.toJson(SAMPLE, false);
        assertTrue(json.contains("\"numaNode\":null,\"nvLinkPeers\":null"), json);
        assertTrue(json.contains("\"profile\":null"), json);
    }

    /** A document written before the topology facts existed (no numaNode, nvLinkPeers, profile). */
    @Test
    void documentsWithoutTheOptionalFactsStillRead() throws IOException {
        String old = """
                {"nvidia": {"driverVersion": "580.95.05", "nvmlVersion": null, "cudaDriverVersion": "13.0",
                  "kernelModuleVersion": null, "devices": [
                    {"index": 0, "uuid": "GPU-a", "name": null, "brand": null, "architecture": null,
                     "computeCapability": null, "minor": 3, "pciBusId": null, "memoryTotalBytes": null,
                     "migEnabled": true, "migDevices": [{"index": 0, "uuid": "MIG-a", "gpuInstanceId": 1,
                     "computeInstanceId": 0, "memoryTotalBytes": null, "capabilityNodes": []}],
                     "deviceNodes": []}],
                  "controlDeviceNodes": [], "notes": []},
                 "neuron": null, "errors": []}
                """;
        GpuDevice gpu = InventoryJson.read(old).nvidia().devices().get(0);
        assertEquals(null, gpu.numaNode());
        assertEquals(null, gpu.nvLinkPeers());
        assertEquals(null, gpu.migDevices().get(0).profile());
        assertEquals("MIG-a", gpu.migDevices().get(0).uuid());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"numaNode\": \"one\"}", "{\"nvLinkPeers\": {}}", "{\"nvLinkPeers\": [{\"links\": \"2\"}]}",
            "{\"nvLinkPeers\": [3]}"})
    void malformedTopologyIsAnIoError(String fields) {
        String json = "{\"nvidia\": {\"devices\": [" + fields.replace("{", "{\"index\": 0, ") + "]}}";
        assertThrows(IOException.class, () -> InventoryJson.read(json), json);
    }

    @Test
    void unknownFieldsAreNullNotOmitted() {
        String json = InventoryJson.toJson(SAMPLE, false);
        assertTrue(json.contains("\"runtimeVersion\":null"), json);
        assertTrue(json.contains("\"serial\":null"), json);
        assertTrue(json.contains("{\"path\":\"/dev/nvidiactl\",\"major\":195,\"minor\":255}"), json);
        assertTrue(json.contains("\"hostPath\":\"/host/dev/nvidia3\""), json);
    }

    @Test
    void absentVendorsAreNull() throws IOException {
        Inventory none = new Inventory(null, null, List.of("nvidia: libnvidia-ml.so.1 not found"));
        assertEquals("{\"nvidia\":null,\"neuron\":null,\"errors\":[\"nvidia: libnvidia-ml.so.1 not found\"]}",
                InventoryJson.toJson(none, false));
        assertEquals(none, InventoryJson.read(InventoryJson.toJson(none, false)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "{\"nvidia\": 3}", "{\"nvidia\": {\"devices\": [{\"index\": \"x\"}]}}",
            "{} {}", "{\"a\":1,\"a\":2}", "{\"neuron\": {\"devices\": [{\"index\": 0, \"deviceNode\": {}}]}}"})
    void malformedSnapshotsAreIoErrors(String json) {
        assertThrows(IOException.class, () -> InventoryJson.read(json));
    }

    /** No null id anywhere: a document with a GPU or MIG device without its UUID is refused, naming the field. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"nvidia\": {\"devices\": [{\"index\": 0, \"uuid\": null}]}}          | devices[].uuid: missing",
            "{\"nvidia\": {\"devices\": [{\"index\": 0}]}}                          | devices[].uuid: missing",
            "{\"nvidia\": {\"devices\": [{\"index\": 0, \"uuid\": \" \"}]}}          | devices[].uuid: missing",
            "{\"nvidia\": {\"devices\": [{\"index\": 0, \"uuid\": \"GPU-1\", \"migDevices\": [{\"index\": 0, \"uuid\": null}]}]}} | migDevices[].uuid: missing",
    })
    void aDeviceWithoutItsUuidIsRefused(String json, String message) {
        IOException e = assertThrows(IOException.class, () -> InventoryJson.read(json));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }
}
