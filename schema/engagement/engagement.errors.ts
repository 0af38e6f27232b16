import { notFound } from '../../server/errors';

export const ruleNotFound = () => notFound('Engagement rule');
