CREATE TABLE `draft_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`metric_id` integer,
	`count` integer NOT NULL,
	`drafter` text NOT NULL,
	`source` text NOT NULL,
	`status` text DEFAULT 'running' NOT NULL,
	`message` text DEFAULT '' NOT NULL,
	`problems` text NOT NULL,
	`created_ids` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`metric_id`) REFERENCES `metrics`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `draft_runs_workspace_idx` ON `draft_runs` (`workspace_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `hypotheses` ADD `draft_source` text;--> statement-breakpoint
ALTER TABLE `hypotheses` ADD `draft_rule` text;--> statement-breakpoint
ALTER TABLE `hypotheses` ADD `draft_learning_ids` text;--> statement-breakpoint
ALTER TABLE `hypotheses` ADD `draft_experiment_ids` text;--> statement-breakpoint
ALTER TABLE `hypotheses` ADD `score_reasons` text;--> statement-breakpoint
ALTER TABLE `hypotheses` ADD `duplicate_of_id` integer;--> statement-breakpoint
ALTER TABLE `hypotheses` ADD `draft_run_id` integer;