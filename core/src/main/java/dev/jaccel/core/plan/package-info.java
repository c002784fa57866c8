/**
 * From a container's request to a {@link dev.jaccel.core.edits.Plan}:
 * {@link dev.jaccel.core.plan.ContainerRequest} (env, annotations, device mounts, privilege; also
 * from an OCI spec), {@link dev.jaccel.core.plan.PlanConfig} (NVIDIA's settings and defaults), the
 * {@link dev.jaccel.core.plan.DefaultPlanner}, and the building blocks CDI generation shares with it
 * ({@link dev.jaccel.core.plan.NvidiaEdits}, {@link dev.jaccel.core.plan.NeuronEdits}).
 */
package dev.jaccel.core.plan;
