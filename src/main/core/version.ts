import { version } from '../../../package.json'

export const DUCK_VERSION: string = version
