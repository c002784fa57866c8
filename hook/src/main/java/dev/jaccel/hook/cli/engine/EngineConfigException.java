package dev.jaccel.hook.cli.engine;

/** An engine's configuration file that jaccel will not edit, and why (the file is left untouched). */
public final class EngineConfigException extends Exception {
    public EngineConfigException(String message) {
        super(message);
    }
}
