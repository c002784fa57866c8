package dev.jaccel.neuron;

import dev.jaccel.core.NativeCallException;

/**
 * A libnrt call returned a status other than {@code NRT_SUCCESS}: the function, the
 * {@code NRT_STATUS} and its name ({@code NRT_FAILURE}, or {@code unknown(n)} for a status this
 * binding does not know). Unchecked, like every jaccel native failure.
 */
public final class NrtException extends NativeCallException {
    public NrtException(String function, int code) {
        super(NrtLibrary.LIBRARY, function, code, NrtStatus.nameOf(code), null);
    }
}
