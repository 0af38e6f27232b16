import { modules } from '../../schema/modules';

/** Every persisted entity, from the module list (each domain lists its own, with a migration). */
export const entities = modules.flatMap((module) => module.entities ?? []);
