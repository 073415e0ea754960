export * from './campaign.view';
export * from './campaigns.service';
export * from './campaign-fan-out.service';
export * from './campaign-job.handler';
export * from './campaigns.module';
