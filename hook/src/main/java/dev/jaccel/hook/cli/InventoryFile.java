package dev.jaccel.hook.cli;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.Messages;
import dev.jaccel.core.json.InventoryJson;
import dev.jaccel.core.model.Inventory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** {@code --inventory FILE}: a {@code jaccel devices --json} document or a snapshot, read instead of discovering. */
final class InventoryFile {
    private InventoryFile() {
    }

    static Inventory read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return InventoryJson.read(in);
        } catch (NoSuchFileException e) {
            throw JaccelException.badInput("--inventory " + Messages.input(file.toString()) + ": no such file");
        } catch (IOException e) {
            throw JaccelException.badInput("--inventory " + Messages.input(file.toString())
                    + ": not a jaccel inventory document (jaccel devices --json or a snapshot): " + e.getMessage());
        }
    }
}
