CREATE TABLE `batches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`week` text NOT NULL,
	`capacity_days` real NOT NULL,
	`started_at` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `batches_workspace_week` ON `batches` (`workspace_id`,`week`);--> statement-breakpoint
CREATE TABLE `member_scores` (
	`hypothesis_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`workspace_id` integer NOT NULL,
	`impact` integer NOT NULL,
	`confidence` integer NOT NULL,
	`ease` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`hypothesis_id`, `user_id`),
	FOREIGN KEY (`hypothesis_id`) REFERENCES `hypotheses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `member_scores_user_idx` ON `member_scores` (`workspace_id`,`user_id`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_hypotheses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`metric_id` integer NOT NULL,
	`parent_id` integer,
	`source_learning_id` integer,
	`title` text NOT NULL,
	`change` text NOT NULL,
	`outcome` text NOT NULL,
	`expected_lift` real,
	`rationale` text NOT NULL,
	`owner` text DEFAULT '' NOT NULL,
	`impact` real NOT NULL,
	`confidence` real NOT NULL,
	`ease` real NOT NULL,
	`ice` real NOT NULL,
	`estimated_days` real,
	`expected_roti` real,
	`status` text NOT NULL,
	`result` text,
	`baseline` real,
	`observed` real,
	`lift` real,
	`actual_days` real,
	`return_score` real,
	`roti` real,
	`batch_id` integer,
	`selected_at` integer,
	`started_at` integer,
	`closed_at` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`metric_id`) REFERENCES `metrics`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_hypotheses`("id", "workspace_id", "metric_id", "parent_id", "source_learning_id", "title", "change", "outcome", "expected_lift", "rationale", "owner", "impact", "confidence", "ease", "ice", "estimated_days", "expected_roti", "status", "result", "baseline", "observed", "lift", "actual_days", "return_score", "roti", "batch_id", "selected_at", "started_at", "closed_at", "version", "created_at", "updated_at") SELECT "id", "workspace_id", "metric_id", "parent_id", "source_learning_id", "title", "change", "outcome", "expected_lift", "rationale", "owner", "impact", "confidence", "ease", "ice", "estimated_days", "expected_roti", "status", "result", "baseline", "observed", "lift", "actual_days", "return_score", "roti", NULL, "selected_at", "started_at", "closed_at", "version", "created_at", "updated_at" FROM `hypotheses`;--> statement-breakpoint
DROP TABLE `hypotheses`;--> statement-breakpoint
ALTER TABLE `__new_hypotheses` RENAME TO `hypotheses`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `hypotheses_rank_ice_idx` ON `hypotheses` (`workspace_id`,`status`,"ice" desc,"expected_roti" desc,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `hypotheses_rank_roti_idx` ON `hypotheses` (`workspace_id`,`status`,"expected_roti" desc,"ice" desc,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `hypotheses_metric_idx` ON `hypotheses` (`workspace_id`,`metric_id`,`status`);--> statement-breakpoint
CREATE INDEX `hypotheses_parent_idx` ON `hypotheses` (`parent_id`);--> statement-breakpoint
CREATE INDEX `hypotheses_batch_idx` ON `hypotheses` (`workspace_id`,`batch_id`);