export * from './template-choice';
export * from './template.view';
export * from './templates.service';
export * from './templates.module';
