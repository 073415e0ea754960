import { Inject } from '@nestjs/common';
import { ConfigModule, registerAs } from '@nestjs/config';
import { loadConfig } from './environment';

export const heraldConfig = registerAs('herald', loadConfig);

/** Injects the validated, typed configuration (`HeraldConfig`). */
export const InjectConfig = () => Inject(heraldConfig.KEY);

/** Global module: the environment is read and validated once, at boot. */
export const HeraldConfigModule = ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [heraldConfig] });
