package dev.jaccel.deviceplugin.health;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HealthBookTest {
    @Test
    void aUnitIsHealthyWhenNoSourceHasAProblemAndListenersHearOnlyChanges() {
        HealthBook book = new HealthBook();
        AtomicInteger changes = new AtomicInteger();
        book.onChange(changes::incrementAndGet);
        book.set("GPU-a", HealthBook.Source.MARK, "XID 79");
        book.set("GPU-a", HealthBook.Source.MARK, "XID 79");
        book.set("GPU-a", HealthBook.Source.LOST, "GPU_IS_LOST");
        assertFalse(book.healthy(List.of("GPU-a")));
        assertTrue(book.healthy(List.of("GPU-b")));
        book.set("GPU-a", HealthBook.Source.MARK, null);
        assertFalse(book.healthy(List.of("MIG-x", "GPU-a")));   // still lost
        book.replace(HealthBook.Source.LOST, Map.of());
        assertTrue(book.healthy(List.of("MIG-x", "GPU-a")));
        book.replace(HealthBook.Source.LOST, Map.of());
        assertEquals(3, changes.get());   // MARK, LOST, all clear: clearing MARK under LOST changes no health
    }
}
